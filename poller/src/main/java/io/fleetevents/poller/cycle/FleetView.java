package io.fleetevents.poller.cycle;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fleet as the last complete cycle listed it: what the push paths need to know (which workspaces to watch first,
 * and how a notification's workspace name maps to an id).
 *
 * @param pollId      the cycle
 * @param watchOrder  every listed workspace id, those with an AI task or an agent app with statuses first, each group
 *                    in list order
 * @param idsByPath   workspace id by {@code owner/name}
 */
public record FleetView(long pollId, List<String> watchOrder, Map<String, String> idsByPath) {

    /** Before any complete cycle. */
    public static final FleetView NONE = new FleetView(-1, List.of(), Map.of());

    public FleetView {
        watchOrder = List.copyOf(watchOrder);
        idsByPath = Map.copyOf(idsByPath);
    }

    /** Every listed workspace id. */
    public Set<String> ids() {
        return Set.copyOf(idsByPath.values());
    }
}
