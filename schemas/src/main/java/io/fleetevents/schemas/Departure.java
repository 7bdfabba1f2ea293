package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why an agent key present in an earlier complete cycle is absent from this one: its workspace's latest build hid
 * it. Coder lists only the latest build's resources, so a stop, delete or new start build hides the previous
 * build's agents the moment it is queued. Carried in {@link CycleMarker#departures()}, keyed by the departed agent
 * key; the fields describe the workspace build that explains the absence.
 *
 * @param reason      what the build did to the agent; consistent with {@code transition}
 * @param buildId     Coder {@code WorkspaceBuild.id} of that build; required
 * @param buildNumber its {@code build_number}; {@code >= 1}
 * @param transition  its transition: {@code stop}, {@code delete} or {@code start}; required
 * @param jobStatus   its provisioner job status when observed ({@code pending}, {@code running}, {@code succeeded},
 *                    {@code failed}, {@code canceling}, {@code canceled}); required
 * @param initiator   Coder's {@code initiator_name} of the build (a user name, or a system user such as an
 *                    autostop); null when Coder did not say
 * @param workspaceId the workspace's id; required, equals the workspace part of the departed key
 */
public record Departure(
        Reason reason,
        String buildId,
        int buildNumber,
        String transition,
        String jobStatus,
        String initiator,
        String workspaceId) {

    /** The kind of build that hid the agent. */
    public enum Reason {
        /** A {@code stop} build. */
        @JsonProperty("workspace_stopped") WORKSPACE_STOPPED("stop"),
        /** A {@code delete} build. */
        @JsonProperty("workspace_deleted") WORKSPACE_DELETED("delete"),
        /** A {@code start} build with a higher build number than the one the agent was last seen under. */
        @JsonProperty("workspace_rebuilt") WORKSPACE_REBUILT("start");

        private final String transition;

        Reason(String transition) {
            this.transition = transition;
        }

        /** The build transition that gives this reason. */
        public String transition() {
            return transition;
        }

        /** The reason a build of {@code transition} gives, or null for an unknown transition. */
        public static Reason forTransition(String transition) {
            for (Reason reason : values()) {
                if (reason.transition.equals(transition)) {
                    return reason;
                }
            }
            return null;
        }

        /** The JSON value ({@code workspace_stopped}, ...). */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Departure {
        Validation.requireNonNull(reason, "reason");
        Validation.requireNonBlank(buildId, "build_id");
        if (buildNumber < 1) {
            throw new IllegalArgumentException("build_number must be >= 1, was " + buildNumber);
        }
        Validation.requireNonBlank(transition, "transition");
        if (!reason.transition().equals(transition)) {
            throw new IllegalArgumentException("reason " + reason.wireName() + " needs transition '" + reason.transition()
                    + "', was '" + transition + "'");
        }
        Validation.requireNonBlank(jobStatus, "job_status");
        Validation.requireNonBlank(workspaceId, "workspace_id");
    }
}
