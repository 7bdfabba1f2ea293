package io.fleetevents.poller.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which observations to write: new keys, keys whose fingerprint changed, and keys due for their full refresh.
 * State advances only when a write is acknowledged ({@link #written}), so a snapshot that failed to reach Kafka is
 * written again next cycle. In memory: a restarted poller writes every agent once.
 *
 * <p>Refreshes are spread: a key's first refresh comes after a share of the interval between a half and a whole
 * that depends on its hash, then every interval; so 10,000 agents first seen in one cycle do not all refresh in one
 * later cycle.
 */
public final class ChangeDetector {

    /** Why an observation is or is not written. */
    public enum Decision {
        /** Not written before (or not since a restart or since it vanished). */
        NEW,
        /** Changed apart from the ticking fields. */
        CHANGED,
        /** Unchanged, but its full-refresh interval elapsed. */
        REFRESH,
        /** Unchanged: skipped. */
        UNCHANGED;

        /** Whether to write. */
        public boolean write() {
            return this != UNCHANGED;
        }
    }

    private record State(long fingerprint, Instant refreshAt) {
    }

    private final Duration fullRefresh;
    private final long halfRefreshNanos;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public ChangeDetector(Duration fullRefresh) {
        this.fullRefresh = fullRefresh;
        // in nanoseconds, as Duration.dividedBy truncates: the same instants without BigDecimal arithmetic per key
        this.halfRefreshNanos = fullRefresh.toNanos() / 2;
    }

    /** What to do with a key observed with this fingerprint at {@code now}. */
    public Decision decide(String key, long fingerprint, Instant now) {
        State state = states.get(key);
        if (state == null) {
            return Decision.NEW;
        }
        if (state.fingerprint != fingerprint) {
            return Decision.CHANGED;
        }
        return now.isBefore(state.refreshAt) ? Decision.UNCHANGED : Decision.REFRESH;
    }

    /** Records an acknowledged write. */
    public void written(String key, long fingerprint, Decision decision, Instant now) {
        Instant refreshAt;
        if (decision == Decision.NEW) {
            // half the interval plus spread/1000 of the other half, truncated to the nanosecond, without overflow
            long spread = Math.floorMod(key.hashCode(), 1000);
            long half = halfRefreshNanos;
            refreshAt = now.plusNanos(half + (half / 1000) * spread + (half % 1000) * spread / 1000);
        } else {
            refreshAt = now.plus(fullRefresh);
        }
        states.put(key, new State(fingerprint, refreshAt));
    }

    /** Forgets keys absent from a complete cycle, so an agent that comes back is new again. */
    public void retainOnly(Set<String> present) {
        states.keySet().retainAll(present);
    }

    /** How many keys are tracked. */
    public int size() {
        return states.size();
    }

    /** Forgets everything: the next cycle writes every agent. */
    public void reset() {
        states.clear();
    }
}
