package io.fleetevents.poller.watch;

/**
 * Spaces the push paths' requests to Coder (watch opens and reopens, immediate reads) at most {@code perMinute} a
 * minute, evenly. Coder's limiter counts requests per user (or IP) and path, 512 a minute by default
 * (coder-api.md §10); every watch and every read has a path of its own, but whether the path is still part of the key
 * after Coder PR #22049 is unverified, so the push paths stay within a budget that leaves the poll its share even if
 * all requests of the token share one bucket.
 */
public final class RequestPacer {

    private final long intervalNanos;
    private long next;

    /** @param perMinute requests a minute at most, >= 1 */
    public RequestPacer(int perMinute) {
        this.intervalNanos = 60_000_000_000L / perMinute;
        this.next = System.nanoTime();
    }

    /** Reserves the next slot; returns how many nanoseconds from now it is (0: at once). */
    public synchronized long reserve() {
        long now = System.nanoTime();
        long slot = next - now > 0 ? next : now;
        next = slot + intervalNanos;
        return slot - now;
    }
}
