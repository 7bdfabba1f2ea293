package io.fleetevents.poller.coder;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** The port to a Coder deployment: what one poll cycle reads. */
public interface CoderClient {

    /**
     * Streams every workspace visible to the token to {@code sink}, each workspace id at most once, as Coder's raw
     * JSON object (unknown fields kept). Retries transient failures until {@code deadline}; on failure some
     * workspaces may already have been delivered, and the cycle must then be treated as incomplete.
     *
     * @return what the listing reported: Coder's {@code count} and how many distinct workspaces were delivered
     * @throws CoderException when the listing cannot be completed
     */
    ListingStats streamWorkspaces(Instant deadline, Consumer<ObjectNode> sink);

    /**
     * The Coder Tasks by workspace id, or empty when this deployment has no Tasks API (404 or 403 on both the GA and
     * the experimental path).
     *
     * @throws CoderException when the Tasks API exists but cannot be read
     */
    Optional<Map<String, ObjectNode>> tasksByWorkspace(Instant deadline);

    /**
     * One workspace by id, deleted ones included ({@code GET /api/v2/workspaces/{id}?include_deleted=true}): what
     * explains a workspace that left the list. Empty when Coder does not know it (404/410) or this client cannot
     * read single workspaces.
     *
     * @throws CoderException when it cannot be read
     */
    default Optional<ObjectNode> workspaceIncludingDeleted(String workspaceId, Instant deadline) {
        return Optional.empty();
    }

    /**
     * One live workspace by id ({@code GET /api/v2/workspaces/{id}}): the read a build event or a notification
     * triggers. Empty when Coder does not know it or it is deleted (404/410), or this client cannot read single
     * workspaces.
     *
     * @throws CoderException when it cannot be read
     */
    default Optional<ObjectNode> workspace(String workspaceId, Instant deadline) {
        return Optional.empty();
    }

    /**
     * One agent by UUID ({@code GET /api/v2/workspaceagents/{id}}): an agent a stop or delete build hid from the
     * list still answers here, shutdown lifecycle included. Empty when Coder does not know it (404/410) or this
     * client cannot read single agents.
     *
     * @throws CoderException when it cannot be read
     */
    default Optional<ObjectNode> workspaceAgent(String agentId, Instant deadline) {
        return Optional.empty();
    }

    /** What a completed workspace listing reported. */
    record ListingStats(int reportedCount, int delivered, int requests) {
    }
}
