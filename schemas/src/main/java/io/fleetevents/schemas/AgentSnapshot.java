package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Instant;

/**
 * One agent as the poller saw it in one poll cycle, keyed by its agent key on {@code coder.agent-snapshots}.
 *
 * <p>The raw Coder JSON is kept whole: {@code agent} is the {@code WorkspaceAgent} object, {@code workspace} the
 * owning {@code Workspace} object with {@code latest_build.resources[].agents} emptied (the other agents are
 * their own snapshots), {@code task} the Coder Task when the Tasks API has one for this workspace. A workspace
 * with no agent (for example its build failed) is reported with key {@code <workspace_id>/} and no agent.
 *
 * @param schemaVersion version of this shape; {@value SnapshotRecord#CURRENT_SCHEMA_VERSION} for this release
 * @param deployment    configured name of the polled Coder deployment; required
 * @param pollId        poll cycle number; {@code >= 0}
 * @param observedAt    when the poller fetched this state; required, UTC
 * @param agentKey      {@code <workspace_id>/<agent_name>}, or {@code <workspace_id>/} without an agent
 * @param agent         raw {@code WorkspaceAgent} JSON; null exactly when the key ends with {@code /}
 * @param workspace     raw {@code Workspace} JSON without the agents; required
 * @param task          raw Coder Task JSON; null when there is none, the Tasks API is absent, or (with
 *                      {@code taskUnknown}) the Tasks API could not be read this cycle
 * @param taskUnknown   true when the Tasks API failed this cycle, so a null {@code task} means "unknown", not "no
 *                      task": a reader keeps what it knew of the task. Optional on read, default false; written only
 *                      when true. Implies {@code task == null}
 */
public record AgentSnapshot(
        int schemaVersion,
        String deployment,
        long pollId,
        Instant observedAt,
        String agentKey,
        RawJson agent,
        RawJson workspace,
        RawJson task,
        // Absent on read (an older writer) is false, not a missing primitive.
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean taskUnknown) implements SnapshotRecord {

    /** The {@code kind} discriminator value. */
    public static final String KIND = "agent_snapshot";

    public AgentSnapshot {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, was " + schemaVersion);
        }
        Validation.requireNonBlank(deployment, "deployment");
        Validation.requireNonNegative(pollId, "poll_id");
        Validation.requireNonNull(observedAt, "observed_at");
        AgentKeys.requireValid(agentKey, "agent_key");
        Validation.requireNonNull(workspace, "workspace");
        boolean agentless = agentKey.endsWith("/");
        if (agentless && agent != null) {
            throw new IllegalArgumentException("agent_key '" + agentKey + "' names no agent but an agent is present");
        }
        if (!agentless && agent == null) {
            throw new IllegalArgumentException("agent is required for agent_key '" + agentKey + "'");
        }
        if (taskUnknown && task != null) {
            throw new IllegalArgumentException("task must be absent when task_unknown is true (agent_key '" + agentKey + "')");
        }
    }

    /** A snapshot whose task part is known ({@code task_unknown} false). */
    public AgentSnapshot(int schemaVersion, String deployment, long pollId, Instant observedAt, String agentKey,
            RawJson agent, RawJson workspace, RawJson task) {
        this(schemaVersion, deployment, pollId, observedAt, agentKey, agent, workspace, task, false);
    }

    /** Whether this snapshot reports a workspace without an agent. */
    public boolean agentless() {
        return agent == null;
    }
}
