package io.fleetevents.broadcaster.fanout;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The live consumer's read position, per partition. {@code claimed(p)} moves to {@code offset + 1} <em>before</em> a
 * record is dispatched; {@code dispatched(p)} after. The hand-over from replay to live relies on the first: a
 * subscription that sees {@code claimed(p) <= its own position} under its lock knows every later record on {@code p}
 * will still be offered to it.
 */
public final class LivePosition {

    private final AtomicLongArray claimed;
    private final AtomicLongArray dispatched;

    public LivePosition(long[] start) {
        this.claimed = new AtomicLongArray(start);
        this.dispatched = new AtomicLongArray(start);
    }

    public int partitions() {
        return claimed.length();
    }

    public long claimed(int partition) {
        return claimed.get(partition);
    }

    public long dispatched(int partition) {
        return dispatched.get(partition);
    }

    void claim(int partition, long next) {
        claimed.set(partition, next);
    }

    void markDispatched(int partition, long next) {
        dispatched.set(partition, next);
    }

    void advance(int partition, long next) {
        if (next > claimed.get(partition)) {
            claimed.set(partition, next);
        }
        if (next > dispatched.get(partition)) {
            dispatched.set(partition, next);
        }
    }

    /** A copy of the claimed positions. */
    public long[] claimedSnapshot() {
        long[] copy = new long[claimed.length()];
        for (int p = 0; p < copy.length; p++) {
            copy[p] = claimed.get(p);
        }
        return copy;
    }

    /** A copy of the dispatched positions. */
    public long[] dispatchedSnapshot() {
        long[] copy = new long[dispatched.length()];
        for (int p = 0; p < copy.length; p++) {
            copy[p] = dispatched.get(p);
        }
        return copy;
    }
}
