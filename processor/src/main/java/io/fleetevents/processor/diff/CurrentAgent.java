package io.fleetevents.processor.diff;

import io.fleetevents.schemas.FleetAgent;

/**
 * The {@code fleet.agents} record of a stored {@link AgentState}: a pure projection, so the record after a snapshot
 * or a marker follows from the state alone, and a replay of the same input gives the same records.
 *
 * <p>Not every state is listed ({@link #of} returns null):
 * <ul>
 *   <li>an unclaimed prebuilt workspace belongs to no one yet and gives no agent events, so it is not listed either;
 *       its first snapshot after the claim is its first record;</li>
 *   <li>a state restored from a release that did not keep {@code observed_at}: it is listed from its next
 *       snapshot on.</li>
 * </ul>
 */
public final class CurrentAgent {

    private CurrentAgent() {
    }

    /** The record for {@code state}; null when the state is null or not listed. */
    public static FleetAgent of(AgentState state) {
        if (state == null || state.prebuild() || state.observedAt() == null) {
            return null;
        }
        FleetAgent.Workspace workspace = state.transition() == null && state.buildStatus() == null
                && state.buildNumber() <= 0 ? null
                : new FleetAgent.Workspace(state.transition(), state.buildStatus(),
                        state.buildNumber() > 0 ? state.buildNumber() : null);
        FleetAgent.Task task = state.taskState() == null ? null
                : new FleetAgent.Task(state.taskState(), state.taskMessage(), state.taskAt(), state.taskId());
        FleetAgent.LastEvent lastEvent = state.lastEventId() == null ? null
                : new FleetAgent.LastEvent(state.lastEventId(), state.lastEventType(), state.lastEventAt());
        return new FleetAgent(FleetAgent.CURRENT_SCHEMA_VERSION, state.deployment(), state.ref(), state.agentId(),
                state.status(), state.lifecycle(), workspace, task, lastEvent, state.observedAt());
    }
}
