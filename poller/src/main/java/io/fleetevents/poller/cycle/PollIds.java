package io.fleetevents.poller.cycle;

import java.time.Clock;

/**
 * Poll ids: the wall clock in epoch milliseconds, bumped by one when that would not increase. Monotonic within a run,
 * and a restarted poller starts above every id of its previous run (unless the clock went back). Not contiguous: a
 * failed cycle uses up its id.
 *
 * <p>A cycle takes {@link #next()} when it starts; a view pushed by Coder (a watch event, a read a build event or a
 * webhook triggered) takes {@link #current()} when it is received. So a pushed view received after a cycle began has
 * an id at least that cycle's, and the next cycle's id is above it (see {@link SnapshotOrder}).
 */
public final class PollIds {

    private final Clock clock;
    private long last;

    public PollIds(Clock clock) {
        this.clock = clock;
    }

    /** The next id. */
    public synchronized long next() {
        last = Math.max(last + 1, clock.millis());
        return last;
    }

    /** The id of a view received now: the clock, never below the last id handed out, and not consuming one. */
    public synchronized long current() {
        last = Math.max(last, clock.millis());
        return last;
    }
}
