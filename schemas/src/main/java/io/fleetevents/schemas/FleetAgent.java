package io.fleetevents.schemas;

import java.time.Instant;

/**
 * The current state of one agent: the value on {@code fleet.agents} (compacted), keyed by the agent key. Written by
 * the processor in the same transaction as the events it derives from the same snapshot, so a reader of
 * {@code fleet.agents} never sees a state that {@code fleet.events} has not told about yet. A tombstone (null value)
 * under the key means the agent is gone (its workspace was deleted or it vanished from a complete cycle).
 *
 * <p>Everything here is the processor's view after the snapshot observed at {@code observedAt}; fields Coder did not
 * report are null, never guessed.
 *
 * @param schemaVersion  version of this shape
 * @param deployment     configured name of the Coder deployment; required
 * @param agent          the identities (key, path, workspace, owner, organization, template); required, and
 *                       {@code agent.key} equals the Kafka key
 * @param agentId        the Coder agent UUID of the current build; null for a workspace without an agent
 * @param status         Coder's agent status ({@code connecting}, {@code connected}, {@code disconnected},
 *                       {@code timeout}); null for a workspace without an agent
 * @param lifecycleState Coder's agent lifecycle ({@code created}, {@code starting}, {@code ready},
 *                       {@code start_error}, {@code shutting_down}, {@code off}, …); null when unknown
 * @param workspace      the latest build of the agent's workspace; null when unknown
 * @param task           the latest task/app state the agent reported; null when it never reported one
 * @param lastEvent      the last event emitted about this agent; null when none yet
 * @param observedAt     when the poller saw the snapshot this state reflects, UTC; required
 */
public record FleetAgent(
        int schemaVersion,
        String deployment,
        AgentRef agent,
        String agentId,
        String status,
        String lifecycleState,
        Workspace workspace,
        Task task,
        LastEvent lastEvent,
        Instant observedAt) {

    /** Version producers of this release write. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public FleetAgent {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, was " + schemaVersion);
        }
        Validation.requireNonBlank(deployment, "deployment");
        Validation.requireNonNull(agent, "agent");
        Validation.requireNonNull(observedAt, "observed_at");
    }

    /** The Kafka key: the agent key {@code <workspace_id>/<agent_name>}. */
    public String key() {
        return agent.key();
    }

    /** The route an event about this agent would have: what access scopes and agent patterns are checked against. */
    public EventRoute route() {
        return new EventRoute(null, EventType.AGENT_CONNECTED, EventSeverity.INFO, agentId, agent.key(), agent.path(),
                agent.owner(), agent.organization(), null);
    }

    /**
     * The latest build of the agent's workspace.
     *
     * @param transition  the build's transition: {@code start}, {@code stop} or {@code delete}; null when unknown
     * @param buildStatus Coder's workspace status for that build ({@code pending}, {@code starting}, {@code running},
     *                    {@code stopping}, {@code stopped}, {@code failed}, {@code canceled}, {@code deleting},
     *                    {@code deleted}); null when unknown
     * @param buildNumber the build number, increasing per workspace; null when unknown
     */
    public record Workspace(String transition, String buildStatus, Integer buildNumber) {
    }

    /**
     * The latest task/app state reported by the agent (a Coder app status or, where Coder has one, the Task's status).
     *
     * @param state   e.g. {@code working}, {@code idle}, {@code complete}, {@code failure}; required
     * @param message the message that came with it; may be null
     * @param at      when the agent reported it (Coder's {@code created_at}), UTC; may be null when unknown
     * @param taskId  the Coder task id when the state comes from a Task; may be null
     */
    public record Task(String state, String message, Instant at, String taskId) {

        public Task {
            Validation.requireNonBlank(state, "task.state");
        }
    }

    /**
     * The last event emitted about the agent on {@code fleet.events}.
     *
     * @param eventId   its {@code event_id}; required
     * @param eventType its {@code event_type}; required
     * @param timestamp its {@code timestamp}, UTC; required
     */
    public record LastEvent(String eventId, EventType eventType, Instant timestamp) {

        public LastEvent {
            Validation.requireNonBlank(eventId, "last_event.event_id");
            Validation.requireNonNull(eventType, "last_event.event_type");
            Validation.requireNonNull(timestamp, "last_event.timestamp");
        }
    }
}
