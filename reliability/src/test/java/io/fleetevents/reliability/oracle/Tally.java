package io.fleetevents.reliability.oracle;

import io.fleetevents.reliability.collect.Received;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expected versus received for one fleet on one transport. Per (agent path, event type): E expected, D distinct
 * {@code event_id}s received; missing = Σ max(0, E − D), false = Σ max(0, D − E) (an event nobody scripted, e.g. a
 * vanish from a partial cycle), duplicated = deliveries − distinct ids. Events of other fleets and capacity
 * events are outside the oracle and ignored.
 */
public record Tally(int expected, int delivered, int missing, int duplicated, int falseEvents) {

    public static Tally of(ScriptedFleet fleet, List<Received> received) {
        return of(fleet.owner(), fleet.expected(), received);
    }

    /** The deliveries that belong to {@code fleet} (its owner's agents, capacity excluded). */
    public static List<Received> filter(ScriptedFleet fleet, List<Received> received) {
        return received.stream().filter(r -> r.path().startsWith(fleet.owner() + "/")
                && !r.eventType().equals("CAPACITY_WARNING")).toList();
    }

    static Tally of(String owner, Map<String, List<String>> expected, List<Received> received) {
        Map<String, Integer> want = new HashMap<>();
        expected.forEach((path, types) -> types.forEach(t -> want.merge(path + " " + t, 1, Integer::sum)));
        Map<String, Set<String>> got = new HashMap<>();
        Set<String> ids = new HashSet<>();
        int deliveries = 0;
        for (Received r : received) {
            if (!r.path().startsWith(owner + "/") || r.eventType().equals("CAPACITY_WARNING")) {
                continue;
            }
            deliveries++;
            ids.add(r.eventId());
            got.computeIfAbsent(r.path() + " " + r.eventType(), k -> new HashSet<>()).add(r.eventId());
        }
        int missing = 0;
        int falseEvents = 0;
        Set<String> keys = new HashSet<>(want.keySet());
        keys.addAll(got.keySet());
        for (String key : keys) {
            int e = want.getOrDefault(key, 0);
            int d = got.getOrDefault(key, Set.of()).size();
            missing += Math.max(0, e - d);
            falseEvents += Math.max(0, d - e);
        }
        int expectedTotal = want.values().stream().mapToInt(Integer::intValue).sum();
        return new Tally(expectedTotal, ids.size(), missing, deliveries - ids.size(), falseEvents);
    }

    /** Row of several subscribers of one transport: counts added up. */
    public static Tally sum(List<Tally> tallies) {
        return new Tally(tallies.stream().mapToInt(Tally::expected).sum(),
                tallies.stream().mapToInt(Tally::delivered).sum(),
                tallies.stream().mapToInt(Tally::missing).sum(),
                tallies.stream().mapToInt(Tally::duplicated).sum(),
                tallies.stream().mapToInt(Tally::falseEvents).sum());
    }

    /** Everything expected is there (there may still be false events or duplicates to report). */
    public boolean complete() {
        return missing == 0;
    }

    public boolean exact() {
        return missing == 0 && duplicated == 0 && falseEvents == 0;
    }
}
