package io.fleetevents.processor.snapshot;

/**
 * The workspace fields the diff reads (coder-api.md §3, §4). Strings are Coder's own values, null when absent.
 *
 * @param id                     workspace UUID
 * @param name                   workspace name
 * @param owner                  {@code owner_name}
 * @param organization           {@code organization_name}
 * @param template               {@code template_name}
 * @param buildId                {@code latest_build.id}
 * @param buildNumber            {@code latest_build.build_number}; 0 when absent
 * @param transition             {@code latest_build.transition}: start, stop, delete
 * @param buildStatus            {@code latest_build.status} (the WorkspaceStatus)
 * @param buildCreatedAt         {@code latest_build.created_at}
 * @param buildCreatedAtMicros   the same in epoch microseconds; {@link Long#MIN_VALUE} when absent
 * @param jobStatus              {@code latest_build.job.status}
 * @param jobError               {@code latest_build.job.error}
 * @param jobErrorCode           {@code latest_build.job.error_code}
 * @param jobCompletedAt         {@code latest_build.job.completed_at}
 * @param queueSize              {@code latest_build.job.queue_size}; 0 when absent
 * @param provisionersCount      {@code latest_build.matched_provisioners.count}; -1 when absent
 * @param provisionersAvailable  {@code latest_build.matched_provisioners.available}; -1 when absent
 * @param latestAppStatus        {@code latest_app_status}; null when none
 * @param prebuild               {@code is_prebuild}: an unclaimed prebuilt workspace, owned by Coder's prebuilds user
 */
public record WorkspaceFacts(
        String id, String name, String owner, String organization, String template,
        String buildId, int buildNumber, String transition, String buildStatus, String buildCreatedAt,
        long buildCreatedAtMicros, String jobStatus, String jobError, String jobErrorCode, String jobCompletedAt,
        int queueSize, int provisionersCount, int provisionersAvailable, AppStatus latestAppStatus, boolean prebuild) {

    /** Whether the latest build failed (WorkspaceStatus or job status {@code failed}). */
    public boolean buildFailed() {
        return "failed".equals(buildStatus) || "failed".equals(jobStatus);
    }

    /** Whether the latest build waits for a provisioner (job {@code pending}). */
    public boolean buildPending() {
        return "pending".equals(jobStatus) || (jobStatus == null && "pending".equals(buildStatus));
    }

    /** Whether Coder reports that no provisioner can take the pending build. */
    public boolean noProvisioner() {
        return buildPending() && (provisionersCount == 0 || provisionersAvailable == 0);
    }

    /**
     * Coder's stale-status rule (coder-api.md §6): a status no newer than the latest {@code start} build belongs
     * to a previous build.
     */
    public boolean isStale(AppStatus status) {
        return "start".equals(transition) && buildCreatedAtMicros != Long.MIN_VALUE
                && status.createdAtMicros() <= buildCreatedAtMicros;
    }
}
