package io.fleetevents.processor.app;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health from the Kafka Streams state: UP while RUNNING or REBALANCING (a rebalance is normal operation),
 * OUT_OF_SERVICE while CREATED (restoring state), DOWN otherwise (ERROR, PENDING_ERROR, shut down).
 */
final class StreamsHealthIndicator implements HealthIndicator {

    private final StreamsLifecycle lifecycle;

    StreamsHealthIndicator(StreamsLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = lifecycle.state();
        Health.Builder builder = state == null ? Health.down()
                : switch (state) {
                    case RUNNING, REBALANCING -> Health.up();
                    case CREATED -> Health.outOfService();
                    default -> Health.down();
                };
        return builder.withDetail("state", state == null ? "NOT_STARTED" : state.name())
                .withDetail("application_id", lifecycle.config().applicationId())
                .build();
    }
}
