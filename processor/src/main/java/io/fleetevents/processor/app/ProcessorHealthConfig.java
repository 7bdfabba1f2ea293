package io.fleetevents.processor.app;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * When the processor's health turns DOWN although Kafka Streams still reports a live state, bound from
 * {@code fleet.processor.health}. Every key has a default; a bad value fails start-up naming the key.
 *
 * @param stalledAfter      DOWN when Streams commits no progress on its input while the input's lag grows for longer
 *                          than this (default 2 min)
 * @param rebalancingAfter  DOWN when Streams stays in REBALANCING longer than this without restoring any state
 *                          (default 3 min)
 * @param checkInterval     how often the cluster, the input lag and the committed position are read (default 10 s)
 */
@ConfigurationProperties("fleet.processor.health")
public record ProcessorHealthConfig(Duration stalledAfter, Duration rebalancingAfter, Duration checkInterval) {

    public ProcessorHealthConfig {
        stalledAfter = stalledAfter == null ? Duration.ofMinutes(2) : stalledAfter;
        rebalancingAfter = rebalancingAfter == null ? Duration.ofMinutes(3) : rebalancingAfter;
        checkInterval = checkInterval == null ? Duration.ofSeconds(10) : checkInterval;
        String p = "fleet.processor.health.";
        positive(stalledAfter, p + "stalled-after");
        positive(rebalancingAfter, p + "rebalancing-after");
        positive(checkInterval, p + "check-interval");
        // A limit shorter than one check could never be observed as exceeded on time.
        if (checkInterval.compareTo(stalledAfter) > 0 || checkInterval.compareTo(rebalancingAfter) > 0) {
            throw new IllegalArgumentException(p + "check-interval (" + checkInterval + ") must not be longer than "
                    + p + "stalled-after (" + stalledAfter + ") or " + p + "rebalancing-after (" + rebalancingAfter + ")");
        }
    }

    public static ProcessorHealthConfig defaults() {
        return new ProcessorHealthConfig(null, null, null);
    }

    private static void positive(Duration value, String key) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
        }
    }
}
