package io.fleetevents.schemas.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Tells a stalled reader from a slow or idle one, from samples of its committed position and of the end of its input
 * (both summed over partitions). A stall is a position that has not moved while there is input left to read and the
 * input kept growing, for longer than the limit. Any movement of the position, or having nothing left to read,
 * starts the watch over. Not thread-safe: one sampling thread feeds it.
 */
public final class ProgressWatch {

    /** A stall: since when the position has not moved, where it stands, and how far the input has run ahead. */
    public record Stall(Duration duration, long position, long end, long grownBy) {
        public long lag() {
            return end - position;
        }
    }

    private final Duration limit;
    private long lastPosition = Long.MIN_VALUE;
    private Instant stuckSince;
    private long endWhenStuck;

    public ProgressWatch(Duration limit) {
        this.limit = limit;
    }

    /** Records a sample; returns the stall when it has lasted longer than the limit. */
    public Optional<Stall> observe(Instant now, long position, long end) {
        boolean moved = position != lastPosition;
        lastPosition = position;
        if (moved || end <= position) {
            stuckSince = null;
            return Optional.empty();
        }
        if (stuckSince == null) {
            stuckSince = now;
            endWhenStuck = end;
            return Optional.empty();
        }
        Duration stuck = Duration.between(stuckSince, now);
        if (stuck.compareTo(limit) >= 0 && end > endWhenStuck) {
            return Optional.of(new Stall(stuck, position, end, end - endWhenStuck));
        }
        return Optional.empty();
    }

    /** Forgets the samples (the reader was restarted). */
    public void reset() {
        lastPosition = Long.MIN_VALUE;
        stuckSince = null;
    }
}
