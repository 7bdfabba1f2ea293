package io.fleetevents.processor.snapshot;

/**
 * Why a key is absent from a complete cycle, as the poller found it: the workspace's latest build hides the agent
 * (Coder lists only the latest build's resources). One entry of a cycle marker's {@code departures}.
 *
 * @param reason       {@code workspace_stopped}, {@code workspace_deleted} or {@code workspace_rebuilt}
 * @param buildId      that build's id; may be null
 * @param buildNumber  that build's number; 0 when absent
 * @param transition   that build's transition; may be null
 * @param jobStatus    that build's job status; may be null
 * @param initiator    who started that build (user name); may be null
 * @param workspaceId  the workspace; may be null
 */
public record Departure(String reason, String buildId, int buildNumber, String transition, String jobStatus,
                        String initiator, String workspaceId) {
}
