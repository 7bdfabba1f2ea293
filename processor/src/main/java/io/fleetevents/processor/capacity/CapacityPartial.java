package io.fleetevents.processor.capacity;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one partition knows at a cycle marker: agent counts per scope and the workspaces present. Keyed by
 * deployment on the {@code capacity-partials} repartition topic.
 *
 * @param deployment      deployment
 * @param pollId          the completed cycle
 * @param observedAt      when the poller completed it
 * @param partition       the input partition this partial covers
 * @param partitionCount  partitions in the fleet-wide cycle
 * @param counts          agent counts per scope ({@code fleet}, {@code org/<name>}, {@code template/<name>})
 * @param workspaces      workspaces with at least one present key in this partition
 */
public record CapacityPartial(String deployment, long pollId, Instant observedAt, int partition, int partitionCount,
                              Map<String, ScopeCounts> counts, List<WorkspaceEntry> workspaces) {

    public CapacityPartial {
        counts = Map.copyOf(counts);
        workspaces = List.copyOf(workspaces);
    }
}
