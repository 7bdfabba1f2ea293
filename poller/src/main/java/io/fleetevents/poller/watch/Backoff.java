package io.fleetevents.poller.watch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect waits: {@code initial × 2^(failures-1)} capped at {@code max}, then a random point in its upper half, so a
 * thousand watches dropped together (a coderd restart) come back spread over that half instead of at one instant.
 */
record Backoff(Duration initial, Duration max) {

    Duration after(int failures) {
        long cap = max.toMillis();
        long base = initial.toMillis();
        for (int i = 1; i < failures && base < cap; i++) {
            base *= 2;
        }
        base = Math.max(1, Math.min(base, cap));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }
}
