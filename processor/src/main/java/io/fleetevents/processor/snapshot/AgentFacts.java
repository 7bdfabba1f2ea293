package io.fleetevents.processor.snapshot;

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
 * @param newestAppStatus           the newest status across this agent's {@code apps[].statuses}; null when none
 */
public record AgentFacts(
        String id, String name, String parentId, String status, String lifecycle, String createdAt,
        String firstConnectedAt, String lastConnectedAt, String disconnectedAt, String readyAt,
        int connectionTimeoutSeconds, AppStatus newestAppStatus) {
}
