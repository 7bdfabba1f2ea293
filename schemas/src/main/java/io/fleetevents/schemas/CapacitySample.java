package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;

/**
 * Utilisation of one scope at the end of one complete poll cycle: the value on {@code fleet.capacity}, keyed by
 * {@code scope}. The topic is compacted, so the latest sample per scope is always there to read.
 *
 * @param schemaVersion   version of this shape
 * @param deployment      configured name of the Coder deployment; required
 * @param scope           {@code fleet}, {@code org/<organization>} or {@code template/<template>}; required
 * @param pollId          the completed cycle this sample closes; {@code >= 0}
 * @param observedAt      when that cycle completed, UTC; required
 * @param workspaces      workspaces in the scope
 * @param agents          agents in the scope, connected or not
 * @param connectedAgents agents whose status is {@code connected}
 * @param workingAgents   connected agents whose latest fresh app status is {@code working}
 * @param utilisation     {@code workingAgents / connectedAgents}, 0 when none is connected; in [0, 1]
 * @param pendingBuilds   builds waiting for a provisioner (job {@code pending})
 * @param prebuiltWorkspaces unclaimed prebuilt workspaces (Coder's {@code is_prebuild}); not in {@code workspaces}.
 *                        0 when read from a sample written before the field existed
 * @param prebuiltAgents  agents of those workspaces; not in {@code agents}, {@code connectedAgents},
 *                        {@code workingAgents} or {@code utilisation}
 */
public record CapacitySample(
        int schemaVersion,
        String deployment,
        String scope,
        long pollId,
        Instant observedAt,
        int workspaces,
        int agents,
        int connectedAgents,
        int workingAgents,
        double utilisation,
        int pendingBuilds,
        // absent in samples written before prebuilds were counted apart: read as 0
        @JsonSetter(nulls = Nulls.AS_EMPTY) int prebuiltWorkspaces,
        @JsonSetter(nulls = Nulls.AS_EMPTY) int prebuiltAgents) {

    /** Version producers of this release write. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public CapacitySample {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, was " + schemaVersion);
        }
        Validation.requireNonBlank(deployment, "deployment");
        Validation.requireNonBlank(scope, "scope");
        if (!scope.equals("fleet") && !scope.startsWith("org/") && !scope.startsWith("template/")) {
            throw new IllegalArgumentException("scope must be 'fleet', 'org/<name>' or 'template/<name>', was '" + scope + "'");
        }
        Validation.requireNonNegative(pollId, "poll_id");
        Validation.requireNonNull(observedAt, "observed_at");
        Validation.requireNonNegative(workspaces, "workspaces");
        Validation.requireNonNegative(agents, "agents");
        Validation.requireNonNegative(connectedAgents, "connected_agents");
        Validation.requireNonNegative(workingAgents, "working_agents");
        Validation.requireNonNegative(pendingBuilds, "pending_builds");
        Validation.requireNonNegative(prebuiltWorkspaces, "prebuilt_workspaces");
        Validation.requireNonNegative(prebuiltAgents, "prebuilt_agents");
        if (connectedAgents > agents || workingAgents > connectedAgents) {
            throw new IllegalArgumentException("need working_agents <= connected_agents <= agents, was "
                    + workingAgents + " <= " + connectedAgents + " <= " + agents);
        }
        if (!(utilisation >= 0.0 && utilisation <= 1.0)) {
            throw new IllegalArgumentException("utilisation must be in [0, 1], was " + utilisation);
        }
    }

    /** A sample without prebuilt workspaces (the shape before they were counted apart). */
    public CapacitySample(int schemaVersion, String deployment, String scope, long pollId, Instant observedAt,
                          int workspaces, int agents, int connectedAgents, int workingAgents, double utilisation,
                          int pendingBuilds) {
        this(schemaVersion, deployment, scope, pollId, observedAt, workspaces, agents, connectedAgents, workingAgents,
                utilisation, pendingBuilds, 0, 0);
    }

    /** Utilisation computed as this record defines it. */
    public static double utilisation(int workingAgents, int connectedAgents) {
        return connectedAgents == 0 ? 0.0 : (double) workingAgents / connectedAgents;
    }
}
