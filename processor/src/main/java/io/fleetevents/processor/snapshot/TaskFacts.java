package io.fleetevents.processor.snapshot;

/**
 * The Coder Task fields the diff reads (coder-api.md §7).
 *
 * @param id            task UUID
 * @param status        TaskStatus: pending, initializing, active, paused, unknown, error
 * @param agentId       {@code workspace_agent_id}; may be null
 * @param buildNumber   {@code workspace_build_number}; 0 when absent
 * @param currentState  {@code current_state} as a status with id {@code task:<id>:<timestamp>}; null when absent
 */
public record TaskFacts(String id, String status, String agentId, int buildNumber, AppStatus currentState) {
}
