package io.fleetevents.poller;

import io.fleetevents.poller.cycle.PollerHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Actuator health {@code poller}: DOWN at once when Coder rejected the token (401/403), DOWN after
 * {@code poller.health.max-consecutive-failures} failed cycles in a row, else UP. Details: last complete cycle, its
 * poll id, consecutive failures, last failure.
 */
@Component("poller")
class PollerHealthIndicator implements HealthIndicator {

    private final PollerHealth health;
    private final int maxFailures;

    PollerHealthIndicator(PollerHealth health, PollerProperties props) {
        this.health = health;
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
        return builder.build();
    }
}
