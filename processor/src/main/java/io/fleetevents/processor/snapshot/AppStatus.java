package io.fleetevents.processor.snapshot;

import java.util.Comparator;

/**
 * A Coder {@code WorkspaceAppStatus} (or a Task's {@code current_state}) reduced to what task events need.
 *
 * @param id               the status id ({@code task:<task id>:<timestamp>} for a Task current state); never null
 * @param state            {@code working | idle | complete | failure} (and the Tasks API spellings)
 * @param message          the agent's message; may be null
 * @param uri              e.g. a PR link; may be null
 * @param createdAt        RFC 3339 text as Coder sent it
 * @param createdAtMicros  {@code createdAt} in microseconds since the epoch
 * @param agentId          the Coder agent the status belongs to; may be null
 */
public record AppStatus(String id, String state, String message, String uri, String createdAt, long createdAtMicros,
                        String agentId) {

    /**
     * Coder's order of statuses: {@code created_at}, then id (two statuses can share a timestamp). Coder lists them
     * newest-first now and oldest-first in older releases, so the diff sorts with this and relies on neither.
     */
    public static final Comparator<AppStatus> ORDER = Comparator.comparingLong(AppStatus::createdAtMicros)
            .thenComparing(AppStatus::id);

    /** Whether this status is newer than {@code other} (a null other is older than anything). */
    public boolean newerThan(AppStatus other) {
        return other == null || createdAtMicros > other.createdAtMicros;
    }
}
