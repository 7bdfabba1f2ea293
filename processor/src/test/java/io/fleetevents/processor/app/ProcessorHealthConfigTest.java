package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessorHealthConfigTest {

    @Test
    void shouldNameTheKeyOfABadHealthSetting() {
        assertThatThrownBy(() -> new ProcessorHealthConfig(Duration.ZERO, null, null))
                .hasMessageContaining("fleet.processor.health.stalled-after");
        assertThatThrownBy(() -> new ProcessorHealthConfig(null, Duration.ofSeconds(-1), null))
                .hasMessageContaining("fleet.processor.health.rebalancing-after");
        assertThatThrownBy(() -> new ProcessorHealthConfig(Duration.ofSeconds(5), null, Duration.ofSeconds(10)))
                .hasMessageContaining("fleet.processor.health.check-interval");
    }
}
