package io.fleetevents.processor.app;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health from the Kafka Streams state and from {@link StreamsHealthMonitor}: DOWN outside RUNNING/REBALANCING
 * (ERROR, PENDING_ERROR, shut down), OUT_OF_SERVICE while CREATED, and DOWN whenever the monitor found a cause —
 * transactions that cannot initialise, no progress while the input grows, a rebalance that does not end — with the
 * causes in the details ({@code cause} is the first, {@code causes} all of them).
 */
final class StreamsHealthIndicator implements HealthIndicator {

    private final StreamsLifecycle lifecycle;
    private final StreamsHealthMonitor monitor;

    StreamsHealthIndicator(StreamsLifecycle lifecycle, StreamsHealthMonitor monitor) {
        this.lifecycle = lifecycle;
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        KafkaStreams.State state = lifecycle.state();
        StreamsHealthMonitor.Verdict verdict = monitor.verdict();
        Health.Builder builder = state == null || !verdict.causes().isEmpty() ? Health.down()
                : switch (state) {
                    case RUNNING, REBALANCING -> Health.up();
                    case CREATED -> Health.outOfService();
                    default -> Health.down();
                };
        builder.withDetail("state", state == null ? "NOT_STARTED" : state.name())
                .withDetail("application_id", lifecycle.config().applicationId());
        if (!verdict.causes().isEmpty()) {
            builder.withDetail("cause", verdict.causes().get(0)).withDetail("causes", verdict.causes());
        }
        return builder.withDetails(verdict.details()).build();
    }
}
