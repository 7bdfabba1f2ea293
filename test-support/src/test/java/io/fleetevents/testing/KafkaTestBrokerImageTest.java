package io.fleetevents.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An engine that answers but cannot supply the broker image must not be chosen: the check says why, within its
 * bound. Runs only where a Docker engine answers (CI's Maven run sees none: .ci/compose-test.sh starts its own later,
 * on a private socket).
 */
class KafkaTestBrokerImageTest {

    @Test
    void shouldSayWhyAnImageTheEngineCannotHaveIsUnavailable() {
        assumeTrue(KafkaTestBroker.dockerAnswers(), "no Docker engine");

        long started = System.nanoTime();
        String why = KafkaTestBroker.imageUnavailable("fleet-events/no-such-image:0", Duration.ofSeconds(20));

        assertThat(why).contains("fleet-events/no-such-image:0");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(25));
    }
}
