package io.fleetevents.codersim.fault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The active faults, outages and the added latency. Thread-safe. A fault fails a number of requests; an outage fails
 * every request under a path prefix with 500 until a time on the simulator's clock, or until cleared.
 */
public final class FaultPlan {

    private final Clock clock;
    private final List<Remaining> faults = new ArrayList<>();
    /** Path prefix → end of the outage ({@link Instant#MAX} until cleared). */
    private final Map<String, Instant> outages = new LinkedHashMap<>();
    private volatile Duration latency = Duration.ZERO;

    private static final class Remaining {
        final Fault fault;
        int left;

        Remaining(Fault fault) {
            this.fault = fault;
            this.left = fault.count();
        }
    }

    public FaultPlan(Clock clock) {
        this.clock = clock;
    }

    /** Every request whose path starts with {@code pathPrefix} answers 500 for {@code duration}, or until cleared when null. */
    public synchronized void outage(String pathPrefix, Duration duration) {
        outages.put(pathPrefix, duration == null ? Instant.MAX : clock.instant().plus(duration));
    }

    /** Ends the outages of paths starting with {@code pathPrefix}. */
    public synchronized void endOutage(String pathPrefix) {
        outages.keySet().removeIf(prefix -> prefix.startsWith(pathPrefix));
    }

    /** Whether a request to {@code path} falls in an outage now. */
    public synchronized boolean inOutage(String path) {
        Instant now = clock.instant();
        outages.values().removeIf(until -> !now.isBefore(until));
        return outages.keySet().stream().anyMatch(path::startsWith);
    }

    /** Queues a fault after the ones already queued. */
    public synchronized void add(Fault fault) {
        faults.add(new Remaining(fault));
    }

    /** Drops every queued fault, every outage and the latency. */
    public synchronized void clear() {
        faults.clear();
        outages.clear();
        latency = Duration.ZERO;
    }

    /** Sets the latency added before every API response. */
    public void latency(Duration value) {
        latency = value == null || value.isNegative() ? Duration.ZERO : value;
    }

    /** The latency added before every API response. */
    public Duration latency() {
        return latency;
    }

    /** How many requests the queued faults will still fail. */
    public synchronized int pending() {
        return faults.stream().mapToInt(r -> r.left).sum();
    }

    /**
     * The fault a stream request (a watch, the build stream) must answer with: a fault whose prefix names the stream
     * ({@code …/watch}, {@code /api/experimental/watch…}), or one on every API path ({@link Fault#coderWide()}: Coder
     * failing as a whole fails its streams too). Faults meant for the read paths are never consumed by a client's
     * watches.
     */
    public synchronized Optional<Fault> takeForStream(String path) {
        Iterator<Remaining> it = faults.iterator();
        while (it.hasNext()) {
            Remaining r = it.next();
            String prefix = r.fault.pathPrefix();
            if (path.startsWith(prefix) && (r.fault.coderWide() || prefix.endsWith("/watch")
                    || prefix.startsWith("/api/experimental/watch"))) {
                if (--r.left <= 0) {
                    it.remove();
                }
                return Optional.of(r.fault);
            }
        }
        return Optional.empty();
    }

    /** The fault this request must answer with, consuming one use of it; empty for a normal answer. */
    public synchronized Optional<Fault> take(String path, int offset) {
        Iterator<Remaining> it = faults.iterator();
        while (it.hasNext()) {
            Remaining r = it.next();
            if (path.startsWith(r.fault.pathPrefix()) && offset >= r.fault.minOffset()) {
                if (--r.left <= 0) {
                    it.remove();
                }
                return Optional.of(r.fault);
            }
        }
        return Optional.empty();
    }
}
