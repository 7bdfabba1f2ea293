package io.fleetevents.processor.capacity;

import io.fleetevents.processor.diff.AgentState;
import io.fleetevents.processor.snapshot.MarkerObservation;
import io.fleetevents.schemas.AgentKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Accumulates the states of the keys a cycle marker lists into that partition's {@link CapacityPartial}. */
public final class PartialCounter {

    private final CapacityPolicy policy;
    private final MarkerObservation marker;
    private final Map<String, ScopeCounts> counts = new HashMap<>();
    private final Map<String, WorkspaceEntry> workspaces = new LinkedHashMap<>();

    public PartialCounter(CapacityPolicy policy, MarkerObservation marker) {
        this.policy = policy;
        this.marker = marker;
        if (policy.samples("fleet")) {
            counts.put("fleet", ScopeCounts.ZERO);
        }
    }

    /** Counts one present key. */
    public void add(AgentState state) {
        String workspaceId = AgentKeys.workspaceId(state.agentKey());
        WorkspaceEntry known = workspaces.get(workspaceId);
        boolean pending = state.buildPending() || (known != null && known.buildPending());
        boolean starved = state.noProvisioner() || (known != null && known.noProvisioner());
        boolean prebuild = state.prebuild() || (known != null && known.prebuild());
        workspaces.put(workspaceId, new WorkspaceEntry(workspaceId, state.organization(), state.template(), pending,
                starved, prebuild));
        if (state.agentless()) {
            return;
        }
        // Unclaimed prebuilds are capacity held in reserve, not agents at work: counted apart, out of utilisation.
        ScopeCounts one = state.prebuild() ? new ScopeCounts(0, 0, 0, 1)
                : new ScopeCounts(1, state.connected() ? 1 : 0, state.connected() && state.working() ? 1 : 0);
        for (String scope : scopesOf(policy, state.organization(), state.template())) {
            counts.merge(scope, one, ScopeCounts::plus);
        }
    }

    public CapacityPartial toPartial() {
        return new CapacityPartial(marker.deployment(), marker.pollId(), marker.observedAt(), marker.partition(),
                marker.partitionCount(), counts, new ArrayList<>(workspaces.values()));
    }

    /** The sampled scopes an agent or workspace of this organization and template belongs to. */
    static List<String> scopesOf(CapacityPolicy policy, String organization, String template) {
        List<String> scopes = new ArrayList<>(3);
        if (policy.samples("fleet")) {
            scopes.add("fleet");
        }
        if (policy.samples("org") && organization != null && !organization.isBlank()) {
            scopes.add("org/" + organization);
        }
        if (policy.samples("template") && template != null && !template.isBlank()) {
            scopes.add("template/" + template);
        }
        return scopes;
    }
}
