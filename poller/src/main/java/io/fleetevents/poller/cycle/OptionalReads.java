package io.fleetevents.poller.cycle;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a cycle can do without (the Tasks API): their failures degrade the snapshots ({@code task_unknown}) but never
 * stop a cycle. Remembers, per read, since when it has been failing and its last error, for health and logs; a
 * success clears it.
 */
public final class OptionalReads {

    /** Told of every failed optional read (a metric). */
    @FunctionalInterface
    public interface Listener {
        void failed(String read);
    }

    /**
     * An optional read failing since {@code since}.
     *
     * @param since     first failure of the current run of failures
     * @param lastError message of the latest failure (never contains the token)
     * @param failures  failures in this run
     */
    public record Degraded(Instant since, String lastError, long failures) {
    }

    private final Map<String, Degraded> degraded = new ConcurrentHashMap<>();
    private final Listener listener;

    public OptionalReads(Listener listener) {
        this.listener = listener == null ? read -> { } : listener;
    }

    /** Records a failure of {@code read} at {@code now}; returns whether it was the first of a run. */
    public boolean failed(String read, String error, Instant now) {
        listener.failed(read);
        Degraded previous = degraded.get(read);
        degraded.put(read, previous == null ? new Degraded(now, error, 1)
                : new Degraded(previous.since(), error, previous.failures() + 1));
        return previous == null;
    }

    /** Records a success of {@code read}; returns whether it had been failing. */
    public boolean succeeded(String read) {
        return degraded.remove(read) != null;
    }

    /** The reads failing now, by name. */
    public Map<String, Degraded> degraded() {
        return new TreeMap<>(degraded);
    }
}
