package io.fleetevents.processor.snapshot;

import java.util.List;

/**
 * The {@code WorkspaceAgent} fields the diff reads (coder-api.md §5). Timestamps stay RFC 3339 text: they are
 * parsed only when an event needs them.
 *
 * @param id                        the agent UUID of this build
 * @param name                      agent name
 * @param parentId                  parent agent UUID of a sub-agent (dev container); null for a top-level agent
 * @param status                    connecting, connected, disconnected, timeout
 * @param lifecycle                 {@code lifecycle_state}
 * @param createdAt                 {@code created_at}
 * @param firstConnectedAt          {@code first_connected_at}
 * @param lastConnectedAt           {@code last_connected_at}
 * @param disconnectedAt            {@code disconnected_at}
 * @param readyAt                   {@code ready_at}
 * @param connectionTimeoutSeconds  {@code connection_timeout_seconds}; 0 when absent
 * @param appStatuses               every status of this agent's {@code apps[].statuses}, in no particular order
 *                                  (Coder's order changed between versions; the diff sorts); never null
 */
public record AgentFacts(
        String id, String name, String parentId, String status, String lifecycle, String createdAt,
        String firstConnectedAt, String lastConnectedAt, String disconnectedAt, String readyAt,
        int connectionTimeoutSeconds, List<AppStatus> appStatuses) {

    public AgentFacts {
        appStatuses = appStatuses == null ? List.of() : List.copyOf(appStatuses);
    }

    /** The newest of {@link #appStatuses} in Coder's order ({@code created_at}, then id); null when none. */
    public AppStatus newestAppStatus() {
        AppStatus newest = null;
        for (AppStatus s : appStatuses) {
            if (newest == null || AppStatus.ORDER.compare(s, newest) > 0) {
                newest = s;
            }
        }
        return newest;
    }
}
