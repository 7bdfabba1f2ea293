package io.fleetevents.processor.diff;

import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.EventType;
import java.time.Instant;

/**
 * What the processor remembers about one agent key between snapshots: the compared fields and the identities
 * needed to describe the agent when it vanishes. Kept small and stored in a compact binary form
 * ({@link AgentStateSerde}), never as the raw JSON. Built with {@link #builder()} / {@link #toBuilder()}.
 *
 * @param deployment            deployment of the last accepted snapshot
 * @param pollId                poll cycle of the last accepted snapshot; older snapshots are ignored
 * @param agentKey              the agent key
 * @param agentId               Coder agent UUID of the current build; null for an agent-less workspace
 * @param parentAgentId         parent agent UUID of a sub-agent; null otherwise
 * @param workspaceName         workspace name
 * @param owner                 owner username
 * @param organization          organization name
 * @param template              template name
 * @param buildId               latest build id
 * @param buildNumber           latest build number; 0 when unknown
 * @param transition            latest build transition ({@code start}, {@code stop}, {@code delete}); may be null
 * @param buildFailed           whether that build failed
 * @param status                agent status; null for an agent-less workspace
 * @param lifecycle             agent lifecycle state
 * @param lastConnectedAt       last {@code last_connected_at} seen (RFC 3339); metadata of vanish events
 * @param watermarkMicros       {@code created_at} (epoch micros) of the newest app status or Task state already
 *                              acted on; {@link Long#MIN_VALUE} when none
 * @param watermarkId           id of that status; null means every status of that microsecond is covered
 * @param turnOpen              an app status {@code working} was acted on and no end of that turn since
 * @param taskStatus            last Task status (kept while the Tasks API is unknown)
 * @param working               whether the agent is connected and its newest fresh app status is {@code working}
 * @param buildPending          whether the latest build waits for a provisioner
 * @param noProvisioner         whether Coder reports no provisioner for that pending build
 * @param pendingDisconnectAt   Coder's {@code disconnected_at} of a disconnect not yet reported because it may heal
 *                              within the grace; null when none is pending
 * @param prebuild              whether the workspace is an unclaimed prebuilt workspace
 * @param buildStatus           Coder's workspace status of the latest build ({@code running}, {@code stopped}, …);
 *                              may be null
 * @param taskState             state of the newest fresh app status or Task state ({@code working}, {@code idle},
 *                              …); null when the agent reported none
 * @param taskMessage           the message of that state; may be null
 * @param taskAt                when the agent reported that state; may be null
 * @param taskId                the Coder Task id of the agent when the snapshot had a Task; may be null
 * @param lastEventId           {@code event_id} of the last event emitted under this key; null when none
 * @param lastEventType         its type; null when none
 * @param lastEventAt           its {@code timestamp}; null when none
 * @param observedAt            {@code observed_at} of the last accepted snapshot; null for a state restored from a
 *                              release that did not keep it
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
        int buildNumber,
        String transition,
        boolean buildFailed,
        String status,
        String lifecycle,
        String lastConnectedAt,
        long watermarkMicros,
        String watermarkId,
        boolean turnOpen,
        String taskStatus,
        boolean working,
        boolean buildPending,
        boolean noProvisioner,
        String pendingDisconnectAt,
        boolean prebuild,
        String buildStatus,
        String taskState,
        String taskMessage,
        Instant taskAt,
        String taskId,
        String lastEventId,
        EventType lastEventType,
        Instant lastEventAt,
        Instant observedAt) {

    /** Whether this state describes a workspace without an agent. */
    public boolean agentless() {
        return agentKey.endsWith("/");
    }

    /** Whether Coder reports the agent {@code connected}. */
    public boolean connected() {
        return "connected".equals(status);
    }

    /** Whether a disconnect waits for the grace to tell whether it heals. */
    public boolean disconnectPending() {
        return pendingDisconnectAt != null;
    }

    /** The identities of this agent for events. */
    public AgentRef ref() {
        return new AgentRef(agentKey, AgentKeys.path(owner, workspaceName, AgentKeys.agentName(agentKey)),
                AgentKeys.workspaceId(agentKey), owner, organization, template);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder of {@link AgentState}; unset fields are null, 0, false, and no watermark. */
    public static final class Builder {
        private String deployment;
        private long pollId;
        private String agentKey;
        private String agentId;
        private String parentAgentId;
        private String workspaceName;
        private String owner;
        private String organization;
        private String template;
        private String buildId;
        private int buildNumber;
        private String transition;
        private boolean buildFailed;
        private String status;
        private String lifecycle;
        private String lastConnectedAt;
        private long watermarkMicros = Long.MIN_VALUE;
        private String watermarkId;
        private boolean turnOpen;
        private String taskStatus;
        private boolean working;
        private boolean buildPending;
        private boolean noProvisioner;
        private String pendingDisconnectAt;
        private boolean prebuild;
        private String buildStatus;
        private String taskState;
        private String taskMessage;
        private Instant taskAt;
        private String taskId;
        private String lastEventId;
        private EventType lastEventType;
        private Instant lastEventAt;
        private Instant observedAt;

        private Builder() {
        }

        private Builder(AgentState s) {
            deployment = s.deployment;
            pollId = s.pollId;
            agentKey = s.agentKey;
            agentId = s.agentId;
            parentAgentId = s.parentAgentId;
            workspaceName = s.workspaceName;
            owner = s.owner;
            organization = s.organization;
            template = s.template;
            buildId = s.buildId;
            buildNumber = s.buildNumber;
            transition = s.transition;
            buildFailed = s.buildFailed;
            status = s.status;
            lifecycle = s.lifecycle;
            lastConnectedAt = s.lastConnectedAt;
            watermarkMicros = s.watermarkMicros;
            watermarkId = s.watermarkId;
            turnOpen = s.turnOpen;
            taskStatus = s.taskStatus;
            working = s.working;
            buildPending = s.buildPending;
            noProvisioner = s.noProvisioner;
            pendingDisconnectAt = s.pendingDisconnectAt;
            prebuild = s.prebuild;
            buildStatus = s.buildStatus;
            taskState = s.taskState;
            taskMessage = s.taskMessage;
            taskAt = s.taskAt;
            taskId = s.taskId;
            lastEventId = s.lastEventId;
            lastEventType = s.lastEventType;
            lastEventAt = s.lastEventAt;
            observedAt = s.observedAt;
        }

        public Builder deployment(String v) { deployment = v; return this; }
        public Builder pollId(long v) { pollId = v; return this; }
        public Builder agentKey(String v) { agentKey = v; return this; }
        public Builder agentId(String v) { agentId = v; return this; }
        public Builder parentAgentId(String v) { parentAgentId = v; return this; }
        public Builder workspaceName(String v) { workspaceName = v; return this; }
        public Builder owner(String v) { owner = v; return this; }
        public Builder organization(String v) { organization = v; return this; }
        public Builder template(String v) { template = v; return this; }
        public Builder buildId(String v) { buildId = v; return this; }
        public Builder buildNumber(int v) { buildNumber = v; return this; }
        public Builder transition(String v) { transition = v; return this; }
        public Builder buildFailed(boolean v) { buildFailed = v; return this; }
        public Builder status(String v) { status = v; return this; }
        public Builder lifecycle(String v) { lifecycle = v; return this; }
        public Builder lastConnectedAt(String v) { lastConnectedAt = v; return this; }
        public Builder watermark(long micros, String id) { watermarkMicros = micros; watermarkId = id; return this; }
        public Builder turnOpen(boolean v) { turnOpen = v; return this; }
        public Builder taskStatus(String v) { taskStatus = v; return this; }
        public Builder working(boolean v) { working = v; return this; }
        public Builder buildPending(boolean v) { buildPending = v; return this; }
        public Builder noProvisioner(boolean v) { noProvisioner = v; return this; }
        public Builder pendingDisconnectAt(String v) { pendingDisconnectAt = v; return this; }
        public Builder prebuild(boolean v) { prebuild = v; return this; }
        public Builder buildStatus(String v) { buildStatus = v; return this; }
        /** The latest task/app state: state, message, when reported, and the Task id (each may be null). */
        public Builder task(String state, String message, Instant at, String id) {
            taskState = state; taskMessage = message; taskAt = at; taskId = id; return this;
        }
        /** The last event emitted under this key (each may be null: none yet). */
        public Builder lastEvent(String id, EventType type, Instant at) {
            lastEventId = id; lastEventType = type; lastEventAt = at; return this;
        }
        public Builder observedAt(Instant v) { observedAt = v; return this; }

        public AgentState build() {
            return new AgentState(deployment, pollId, agentKey, agentId, parentAgentId, workspaceName, owner,
                    organization, template, buildId, buildNumber, transition, buildFailed, status, lifecycle,
                    lastConnectedAt, watermarkMicros, watermarkId, turnOpen, taskStatus, working, buildPending,
                    noProvisioner, pendingDisconnectAt, prebuild, buildStatus, taskState, taskMessage, taskAt, taskId,
                    lastEventId, lastEventType, lastEventAt, observedAt);
        }
    }
}
