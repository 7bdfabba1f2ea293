package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.UUID;

/** One {@code WorkspaceAppStatus} row: immutable, as Coder never rewrites a status. */
record SimStatus(UUID id, Instant createdAt, UUID workspaceId, UUID agentId, UUID appId, String state, String message,
                 String uri) {
}
