package io.fleetevents.poller.app;

import io.fleetevents.poller.PollerProperties;
import io.fleetevents.poller.cycle.OptionalReads;
import io.fleetevents.poller.cycle.PollerHealth;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Actuator health {@code poller}: DOWN at once when Coder rejected the token (401/403), DOWN after
 * {@code fleet.poller.health.max-consecutive-failures} failed cycles in a row, else UP. Details: last complete cycle, its
 * poll id, consecutive failures, last failure, and {@code degraded} while an optional read (the Tasks API) fails:
 * the cycles go on without it, so it does not make the poller DOWN.
 */
@Component("poller")
class PollerHealthIndicator implements HealthIndicator {

    private final PollerHealth health;
    private final int maxFailures;
    private final OptionalReads optionalReads;

    PollerHealthIndicator(PollerHealth health, PollerProperties props, OptionalReads optionalReads) {
        this.health = health;
        this.optionalReads = optionalReads;
        this.maxFailures = props.health().maxConsecutiveFailures();
    }

    @Override
    public Health health() {
        PollerHealth.State s = health.current();
        Health.Builder builder = s.authFailed() || s.consecutiveFailures() >= maxFailures ? Health.down() : Health.up();
        builder.withDetail("last_success", s.lastSuccessAt() == null ? "never" : s.lastSuccessAt().toString())
                .withDetail("last_poll_id", s.lastPollId())
                .withDetail("consecutive_failures", s.consecutiveFailures())
                .withDetail("cycles", s.cycles());
        if (s.lastReason() != null) {
            builder.withDetail("last_failure_reason", s.lastReason()).withDetail("last_failure", s.lastError());
        }
        Map<String, OptionalReads.Degraded> degraded = optionalReads.degraded();
        if (!degraded.isEmpty()) {
            StringBuilder text = new StringBuilder();
            degraded.forEach((read, d) -> text.append(text.isEmpty() ? "" : "; ").append(read)
                    .append(" API unavailable since ").append(d.since()).append(" (").append(d.failures())
                    .append(" failed reads), last error: ").append(d.lastError()));
            builder.withDetail("degraded", text.toString());
        }
        return builder.build();
    }
}
