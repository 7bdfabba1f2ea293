package io.fleetevents.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.processor.capacity.CapacityPolicy;
import io.fleetevents.processor.diff.DiffPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

    @Test
    void shouldDefaultToExactlyOnceInMemoryStoresAndTheContractTopics() {
        ProcessorConfig config = ProcessorConfig.defaults();

        assertThat(config.streams().processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.streams().storeType()).isEqualTo("in-memory");
        assertThat(config.topics().snapshots()).isEqualTo("coder.agent-snapshots");
        assertThat(config.topics().deadLetter()).isEqualTo("coder.agent-snapshots.dlq");
        assertThat(config.capacity().warningThreshold()).isEqualTo(0.80);
        assertThat(config.capacity().criticalThreshold()).isEqualTo(0.95);
        assertThat(config.diff().implicitIdleCompletion()).isTrue();
        assertThat(config.diff().disconnectGrace()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void shouldBindTheDiffKeys() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "fleet.processor.diff.implicit-idle-completion", "false",
                "fleet.processor.diff.disconnect-grace", "30s")));

        ProcessorConfig config = binder.bindOrCreate("fleet.processor", ProcessorConfig.class);

        assertThat(config.diff().implicitIdleCompletion()).isFalse();
        assertThat(config.diff().disconnectGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.topics().snapshots()).isEqualTo("coder.agent-snapshots");
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> new CapacityPolicy(1.5, null, null, null, null, null))
                .hasMessageContaining("fleet.processor.capacity.warning-threshold");
        assertThatThrownBy(() -> new CapacityPolicy(null, null, null, null, List.of("team"), null))
                .hasMessageContaining("fleet.processor.capacity.scopes");
        assertThatThrownBy(() -> new ProcessorConfig.StreamsConfig("exactly_once", null, null, null, null, null, null,
                null, null)).hasMessageContaining("fleet.processor.streams.processing-guarantee");
        assertThatThrownBy(() -> new ProcessorConfig.StreamsConfig(null, null, null, null, null, null, null,
                Duration.ofSeconds(-1), null)).hasMessageContaining("fleet.processor.streams.close-timeout");
        assertThatThrownBy(() -> new ProcessorConfig.TopicsConfig(null, null, null, null, null, 0, null, null))
                .hasMessageContaining("fleet.processor.topics.partitions");
        assertThatThrownBy(() -> new DiffPolicy(null, Duration.ofSeconds(-1)))
                .hasMessageContaining("fleet.processor.diff.disconnect-grace");
    }
}
