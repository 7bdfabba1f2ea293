package io.fleetevents.codersim.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** The active faults and the added latency. Thread-safe. */
public final class FaultPlan {

    private final List<Remaining> faults = new ArrayList<>();
    private volatile Duration latency = Duration.ZERO;

    private static final class Remaining {
        final Fault fault;
        int left;

        Remaining(Fault fault) {
            this.fault = fault;
            this.left = fault.count();
        }
    }

    /** Queues a fault after the ones already queued. */
    public synchronized void add(Fault fault) {
        faults.add(new Remaining(fault));
    }

    /** Drops every queued fault and the latency. */
    public synchronized void clear() {
        faults.clear();
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
