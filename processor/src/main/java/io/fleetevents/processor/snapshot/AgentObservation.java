package io.fleetevents.processor.snapshot;

import java.time.Instant;

/**
 * One {@code AgentSnapshot} as the diff sees it.
 *
 * @param deployment  configured deployment name
 * @param pollId      poll cycle number
 * @param observedAt  when the poller fetched it
 * @param agentKey    {@code <workspace_id>/<agent_name>}, or {@code <workspace_id>/} for an agent-less workspace
 * @param workspace   workspace facts; never null
 * @param agent       agent facts; null exactly for an agent-less workspace
 * @param task        task facts; null when the snapshot carries no task
 * @param taskUnknown {@code task_unknown}: the Tasks API failed this cycle, so the task part is unknown (not absent)
 */
public record AgentObservation(String deployment, long pollId, Instant observedAt, String agentKey,
                               WorkspaceFacts workspace, AgentFacts agent, TaskFacts task, boolean taskUnknown)
        implements ParsedSnapshot {

    /** Whether this reports a workspace without an agent. */
    public boolean agentless() {
        return agent == null;
    }
}
