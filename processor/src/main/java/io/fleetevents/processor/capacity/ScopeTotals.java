package io.fleetevents.processor.capacity;

import io.fleetevents.schemas.CapacitySample;
import java.time.Instant;

/**
 * One scope's fleet-wide totals for a complete cycle.
 *
 * @param scope          {@code fleet}, {@code org/<name>} or {@code template/<name>}
 * @param workspaces     distinct workspaces
 * @param counts         summed agent counts
 * @param pendingBuilds  workspaces whose latest build waits for a provisioner
 * @param starvedBuilds  of those, builds for which Coder reports no available provisioner
 * @param prebuiltWorkspaces distinct unclaimed prebuilt workspaces (not in {@code workspaces})
 */
public record ScopeTotals(String scope, int workspaces, ScopeCounts counts, int pendingBuilds, int starvedBuilds,
                          int prebuiltWorkspaces) {

    /** Totals without prebuilt workspaces. */
    public ScopeTotals(String scope, int workspaces, ScopeCounts counts, int pendingBuilds, int starvedBuilds) {
        this(scope, workspaces, counts, pendingBuilds, starvedBuilds, 0);
    }

    public double utilisation() {
        return CapacitySample.utilisation(counts.working(), counts.connected());
    }

    public CapacitySample toSample(String deployment, long pollId, Instant observedAt) {
        return new CapacitySample(CapacitySample.CURRENT_SCHEMA_VERSION, deployment, scope, pollId, observedAt,
                workspaces, counts.agents(), counts.connected(), counts.working(), utilisation(), pendingBuilds,
                prebuiltWorkspaces, counts.prebuilt());
    }
}
