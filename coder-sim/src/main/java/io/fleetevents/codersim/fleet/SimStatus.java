package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;

/** One {@code WorkspaceAppStatus} row: immutable, as Coder never rewrites a status. */
record SimStatus(UUID id, Instant createdAt, UUID workspaceId, UUID agentId, UUID appId, String state, String message,
                 String uri) {

    /**
     * Coder's order of an app's statuses and of {@code latest_app_status}: {@code created_at DESC, id DESC}; ids
     * compare as PostgreSQL compares UUIDs, byte by byte, which their lower-case text does too.
     */
    static final Comparator<SimStatus> NEWEST_FIRST = Comparator.comparing(SimStatus::createdAt)
            .thenComparing(status -> status.id().toString()).reversed();
}
