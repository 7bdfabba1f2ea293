package io.fleetevents.broadcaster.app;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When the live feed counts as stuck, under {@code fleet.broadcaster.health.*}. A bad value fails start-up naming the key.
 *
 * @param stalledAfter  DOWN when the live feed's position on a partition of {@code fleet.events} has not moved for
 *                      longer than this while that partition kept growing (default 60 s)
 * @param checkInterval how often the topic's end offsets are compared with the feed's position (default 5 s)
 */
@ConfigurationProperties("fleet.broadcaster.health")
public record FeedHealthProperties(@DefaultValue("60s") Duration stalledAfter, @DefaultValue("5s") Duration checkInterval) {

    public FeedHealthProperties {
        positive(stalledAfter, "fleet.broadcaster.health.stalled-after");
        positive(checkInterval, "fleet.broadcaster.health.check-interval");
        // A limit shorter than one check could never be observed as exceeded on time.
        if (checkInterval.compareTo(stalledAfter) > 0) {
            throw new IllegalArgumentException("fleet.broadcaster.health.check-interval (" + checkInterval
                    + ") must not be longer than fleet.broadcaster.health.stalled-after (" + stalledAfter + ")");
        }
    }

    private static void positive(Duration value, String key) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
        }
    }
}
