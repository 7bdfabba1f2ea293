package io.fleetevents.processor.snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One {@code CycleMarker}: poll cycle {@code pollId} is complete for {@code partition}, and these keys were present.
 *
 * @param deployment      configured deployment name
 * @param pollId          the completed cycle
 * @param observedAt      when the cycle completed
 * @param partition       the partition the marker closes
 * @param partitionCount  how many markers make the fleet-wide cycle
 * @param agentKeys       keys of that partition present in the cycle
 * @param departures      keys of that partition absent from the cycle because of their workspace's latest build,
 *                        with that build; never null
 */
public record MarkerObservation(String deployment, long pollId, Instant observedAt, int partition, int partitionCount,
                                Set<String> agentKeys, Map<String, Departure> departures) implements ParsedSnapshot {

    public MarkerObservation {
        departures = departures == null ? Map.of() : Map.copyOf(departures);
    }

    public MarkerObservation(String deployment, long pollId, Instant observedAt, int partition, int partitionCount,
                             Set<String> agentKeys) {
        this(deployment, pollId, observedAt, partition, partitionCount, agentKeys, Map.of());
    }
}
