package io.fleetevents.reliability;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.Received;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivery latency of subscribers relative to a {@code read_committed} Kafka reader in the same JVM: for each of the
 * fleet's events, the time from the reader's first sight of it to each subscriber's arrival. Both sides poll the same
 * committed data, so this is the broadcaster's added latency (fan-out, queueing, socket), not the pipeline's.
 */
record Latencies(int samples, double p50Millis, double p99Millis, double maxMillis) {

    static Latencies of(ScriptedFleet fleet, Collector reference, List<? extends Collector> subscribers) {
        Map<String, Long> seen = new HashMap<>();
        for (Received r : Tally.filter(fleet, reference.received())) {
            seen.putIfAbsent(r.eventId(), r.arrivedNanos());
        }
        long[] all = subscribers.stream().flatMap(c -> Tally.filter(fleet, c.received()).stream())
                .filter(r -> seen.containsKey(r.eventId()))
                .mapToLong(r -> r.arrivedNanos() - seen.get(r.eventId())).sorted().toArray();
        if (all.length == 0) {
            throw new IllegalStateException("no deliveries of " + fleet.owner() + " to measure");
        }
        return new Latencies(all.length, millis(at(all, 0.50)), millis(at(all, 0.99)), millis(all[all.length - 1]));
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    @Override
    public String toString() {
        return String.format("%.0f/%.0f ms", p50Millis, p99Millis);
    }
}
