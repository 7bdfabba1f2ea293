package io.fleetevents.processor.capacity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Combines the partials of every partition of one complete poll cycle into fleet-wide totals per scope.
 *
 * <p>Agent counts add up, because every agent key lives in exactly one partition. Workspaces do not: the agents of
 * one workspace hash to different partitions, so workspaces (and their pending builds) are de-duplicated by id
 * across partials before they are counted.
 */
public final class CycleCombiner {

    private CycleCombiner() {
    }

    /** Totals per scope, sorted by scope name (so {@code fleet} comes first). */
    public static List<ScopeTotals> combine(CapacityPolicy policy, List<CapacityPartial> partials) {
        Map<String, ScopeCounts> counts = new TreeMap<>();
        if (policy.samples("fleet")) {
            counts.put("fleet", ScopeCounts.ZERO);
        }
        Map<String, WorkspaceEntry> workspaces = new HashMap<>();
        for (CapacityPartial partial : partials) {
            partial.counts().forEach((scope, c) -> counts.merge(scope, c, ScopeCounts::plus));
            for (WorkspaceEntry w : partial.workspaces()) {
                workspaces.merge(w.workspaceId(), w, (a, b) -> new WorkspaceEntry(a.workspaceId(), a.organization(),
                        a.template(), a.buildPending() || b.buildPending(), a.noProvisioner() || b.noProvisioner(),
                        a.prebuild() || b.prebuild()));
            }
        }
        Map<String, int[]> perScope = new TreeMap<>();
        for (WorkspaceEntry w : workspaces.values()) {
            for (String scope : PartialCounter.scopesOf(policy, w.organization(), w.template())) {
                int[] agg = perScope.computeIfAbsent(scope, s -> new int[4]);
                agg[w.prebuild() ? 3 : 0]++;
                agg[1] += w.buildPending() ? 1 : 0;
                agg[2] += w.noProvisioner() ? 1 : 0;
            }
        }
        for (String scope : perScope.keySet()) {
            counts.putIfAbsent(scope, ScopeCounts.ZERO);
        }
        List<ScopeTotals> totals = new ArrayList<>(counts.size());
        counts.forEach((scope, c) -> {
            int[] agg = perScope.getOrDefault(scope, new int[4]);
            totals.add(new ScopeTotals(scope, agg[0], c, agg[1], agg[2], agg[3]));
        });
        return totals;
    }
}
