package io.fleetevents.processor.diff;

import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.AgentRef;

/**
 * What the processor remembers about one agent key between snapshots: the compared fields and the identities
 * needed to describe the agent when it vanishes. Kept small and stored in a compact binary form
 * ({@link AgentStateSerde}), never as the raw JSON.
 *
 * @param deployment       deployment of the last accepted snapshot
 * @param pollId           poll cycle of the last accepted snapshot; older snapshots are ignored
 * @param agentKey         the agent key
 * @param agentId          Coder agent UUID of the current build; null for an agent-less workspace
 * @param parentAgentId    parent agent UUID of a sub-agent; null otherwise
 * @param workspaceName    workspace name
 * @param owner            owner username
 * @param organization     organization name
 * @param template         template name
 * @param buildId          latest build id
 * @param buildFailed      whether that build failed
 * @param status           agent status; null for an agent-less workspace
 * @param lifecycle        agent lifecycle state
 * @param lastConnectedAt  last {@code last_connected_at} seen (RFC 3339); metadata of vanish events
 * @param lastSignalId     id of the last task signal (app status or task state) already accounted for
 * @param taskStatus       last Task status
 * @param working          whether the agent is connected and its newest fresh app status is {@code working}
 * @param buildPending     whether the latest build waits for a provisioner
 * @param noProvisioner    whether Coder reports no provisioner for that pending build
 */
public record AgentState(
        String deployment,
        long pollId,
        String agentKey,
        String agentId,
        String parentAgentId,
        String workspaceName,
        String owner,
        String organization,
        String template,
        String buildId,
        boolean buildFailed,
        String status,
        String lifecycle,
        String lastConnectedAt,
        String lastSignalId,
        String taskStatus,
        boolean working,
        boolean buildPending,
        boolean noProvisioner) {

    /** Whether this state describes a workspace without an agent. */
    public boolean agentless() {
        return agentKey.endsWith("/");
    }

    /** Whether Coder reports the agent {@code connected}. */
    public boolean connected() {
        return "connected".equals(status);
    }

    /** The identities of this agent for events. */
    public AgentRef ref() {
        return new AgentRef(agentKey, AgentKeys.path(owner, workspaceName, AgentKeys.agentName(agentKey)),
                AgentKeys.workspaceId(agentKey), owner, organization, template);
    }
}
