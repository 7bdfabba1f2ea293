package io.fleetevents.poller.cycle;

import java.time.Clock;

/**
 * Poll ids: the wall clock in epoch milliseconds, bumped by one when that would not increase. Monotonic within a run,
 * and a restarted poller starts above every id of its previous run (unless the clock went back). Not contiguous: a
 * failed cycle uses up its id.
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
}
