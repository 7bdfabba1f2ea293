package io.fleetevents.poller.snapshot;

import tools.jackson.databind.node.ObjectNode;

/**
 * One agent (or one agent-less workspace) as read in a cycle, before publishing.
 *
 * @param key       agent key {@code <workspace_id>/<agent_name>}, or {@code <workspace_id>/}
 * @param agent     the raw {@code WorkspaceAgent}; null for an agent-less workspace
 * @param workspace the raw {@code Workspace} with {@code latest_build.resources[].agents} emptied (shared by the
 *                  observations of one workspace: do not modify)
 * @param task      the raw Coder Task attached to this agent, or null
 * @param taskUnknown the Tasks API could not be read this cycle and this observation would carry the task if any:
 *                  {@code task} is null meaning unknown
 */
public record AgentObservation(String key, ObjectNode agent, ObjectNode workspace, ObjectNode task, boolean taskUnknown) {

    /** An observation whose task part is known. */
    public AgentObservation(String key, ObjectNode agent, ObjectNode workspace, ObjectNode task) {
        this(key, agent, workspace, task, false);
    }
}
