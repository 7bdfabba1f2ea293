package io.fleetevents.processor.snapshot;

import java.time.Instant;
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
 */
public record MarkerObservation(String deployment, long pollId, Instant observedAt, int partition, int partitionCount,
                                Set<String> agentKeys) implements ParsedSnapshot {
}
