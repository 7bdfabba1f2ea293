package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.UUID;

/** The latest build of a workspace and its provisioner job. */
final class SimBuild {
    UUID id;
    int number;
    String transition = "start";
    String reason = "initiator";
    UUID jobId;
    /** pending | running | succeeded | canceling | canceled | failed. */
    String jobStatus = "succeeded";
    String jobError;
    String jobErrorCode;
    Instant createdAt;
    Instant startedAt;
    Instant completedAt;
    /** Moves with the build's job and with workspace activity (ActivityBumpWorkspace): a ticking field. */
    Instant updatedAt;
    UUID initiatorId;
    String initiatorName;
    int queuePosition;
    int queueSize;
    UUID resourceId;
    UUID volumeResourceId;

    /** Coder's {@code codersdk.ConvertWorkspaceStatus(job.status, transition)}. */
    String status() {
        switch (jobStatus) {
            case "pending":
                return "pending";
            case "running":
                return switch (transition) {
                    case "start" -> "starting";
                    case "stop" -> "stopping";
                    default -> "deleting";
                };
            case "succeeded":
                return switch (transition) {
                    case "start" -> "running";
                    case "stop" -> "stopped";
                    default -> "deleted";
                };
            case "canceling":
                return "canceling";
            case "canceled":
                return "canceled";
            default:
                return "failed";
        }
    }

    /** Agents exist only once a start job has succeeded (a build's resources are written when its job completes). */
    boolean hasAgents() {
        return "start".equals(transition) && "succeeded".equals(jobStatus);
    }
}
