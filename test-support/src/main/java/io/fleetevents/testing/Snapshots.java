package io.fleetevents.testing;

import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Departure;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.RawJson;
import io.fleetevents.schemas.SnapshotRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builders of Coder-shaped {@link AgentSnapshot}s, following ../shared/coder-api.md §3–§7 (the v2.26–2.29 structs),
 * so that tests never hand-write Coder JSON. Ids are name-based UUIDs derived from the agent path and build number,
 * so the same description always yields the same JSON, and a rebuild ({@link Builder#buildNumber}) yields a new
 * agent UUID under the same agent key.
 *
 * <pre>{@code Snapshots.agent("alice/fix-flaky-tests.main").connected().pollId(7).build()}</pre>
 */
public final class Snapshots {

    /** Deployment name used unless a builder says otherwise. */
    public static final String DEPLOYMENT = "test";

    /** Base time of fixtures: builds are created here, polls observe later. */
    public static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

    private Snapshots() {
    }

    /** A snapshot of the agent at {@code owner/workspace.agent}, connected and ready in a running start build. */
    public static Builder agent(String agentPath) {
        int slash = agentPath.indexOf('/');
        int dot = agentPath.lastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == agentPath.length() - 1) {
            throw new IllegalArgumentException("agent path must be owner/workspace.agent, was " + agentPath);
        }
        return new Builder(agentPath.substring(0, slash), agentPath.substring(slash + 1, dot), agentPath.substring(dot + 1));
    }

    /** A snapshot of a workspace without an agent ({@code owner/workspace}); by default its start build failed. */
    public static Builder agentless(String workspacePath) {
        int slash = workspacePath.indexOf('/');
        if (slash <= 0 || slash == workspacePath.length() - 1) {
            throw new IllegalArgumentException("workspace path must be owner/workspace, was " + workspacePath);
        }
        return new Builder(workspacePath.substring(0, slash), workspacePath.substring(slash + 1), null)
                .buildFailed("terraform apply failed: quota exceeded");
    }

    /** A cycle-complete marker. */
    public static CycleMarker marker(String deployment, long pollId, int partition, int partitionCount, List<String> agentKeys) {
        return new CycleMarker(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment, pollId,
                T0.plusSeconds(60 + pollId * 5), partition, partitionCount, agentKeys);
    }

    /** A cycle-complete marker that also lists {@code departures} (agent key -> the build that hid it). */
    public static CycleMarker marker(String deployment, long pollId, int partition, int partitionCount, List<String> agentKeys,
            Map<String, Departure> departures) {
        return new CycleMarker(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment, pollId,
                T0.plusSeconds(60 + pollId * 5), partition, partitionCount, agentKeys, departures);
    }

    /**
     * The departure the latest build described by {@code build} gives its agent (build id, number, transition, job
     * status, initiator as {@link Builder#build()} would write them); the reason follows the transition.
     */
    public static Departure departure(Builder build) {
        return build.departure();
    }

    /** An app status as Coder's {@code WorkspaceAppStatus} carries it; {@code id} and {@code uri} may be null. */
    public static AppStatus appStatus(String id, String state, String message, Instant createdAt, String uri) {
        return new AppStatus(id, state, message, createdAt, uri);
    }

    /**
     * One entry of {@code apps[].statuses}. A null {@code id} gets a deterministic UUID from the agent, state and time;
     * a null {@code uri} is written as {@code ""} (Coder's empty value).
     */
    public record AppStatus(String id, String state, String message, Instant createdAt, String uri) {
        public AppStatus {
            if (state == null || createdAt == null) {
                throw new IllegalArgumentException("an app status needs a state and a created_at");
            }
        }
    }

    /** The owner name Coder shows for an unclaimed prebuilt workspace (the prebuilds system user). */
    public static final String PREBUILDS_OWNER = "prebuilds";

    /** Coder's prebuilds system user id (coderd/database PrebuildsSystemUserID). */
    public static final String PREBUILDS_OWNER_ID = "c42fdf75-3097-471c-8c33-fb52454d81c0";

    /** The deterministic workspace UUID fixtures give {@code owner/workspace}. */
    public static String workspaceId(String owner, String workspace) {
        return uuid("workspace:" + owner + "/" + workspace);
    }

    /** The agent key of the agent path {@code owner/workspace.agent}. */
    public static String keyOf(String agentPath) {
        Builder b = agent(agentPath);
        return AgentKeys.key(workspaceId(b.owner, b.workspace), b.agentName);
    }

    static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Mutable builder; each {@link #build()} produces an independent immutable snapshot. */
    public static final class Builder {
        private final String owner;
        private final String workspace;
        private final String agentName;
        private String deployment = DEPLOYMENT;
        private long pollId = 1;
        private Instant observedAt;
        private String organization = "coder";
        private String template = "claude-code";
        private int buildNumber = 1;
        private String transition = "start";
        private String jobStatus = "succeeded";
        private String jobError;
        private int queuePosition;
        private int queueSize;
        private int provisionersAvailable = 1;
        private String status = "connected";
        private String lifecycle = "ready";
        private Instant disconnectedAt;
        private String parentAgent;
        private final List<AppStatus> appStatuses = new ArrayList<>();
        // The legacy appStatus(...) keeps "the last appended is latest_app_status"; appStatuses(...) uses the newest.
        private boolean latestIsNewest;
        private boolean prebuild;
        private String initiator;
        private boolean taskUnknown;
        private String taskStatus;
        private String taskState;
        private Instant taskStateAt;
        private String taskMessage;

        private Builder(String owner, String workspace, String agentName) {
            this.owner = owner;
            this.workspace = workspace;
            this.agentName = agentName;
        }

        public Builder deployment(String value) { this.deployment = value; return this; }
        public Builder pollId(long value) { this.pollId = value; return this; }
        public Builder observedAt(Instant value) { this.observedAt = value; return this; }
        public Builder organization(String value) { this.organization = value; return this; }
        public Builder template(String value) { this.template = value; return this; }
        /** A rebuild: new build id and new agent UUID, same agent key. */
        public Builder buildNumber(int value) { this.buildNumber = value; return this; }
        /** Build transition: {@code start}, {@code stop} or {@code delete}. */
        public Builder transition(String value) { this.transition = value; return this; }
        /** Provisioner job status; the workspace status is derived from it and the transition as Coder does. */
        public Builder jobStatus(String value) { this.jobStatus = value; return this; }
        /** The build failed with {@code error} (job status {@code failed}); the agent, if any, never connected. */
        public Builder buildFailed(String error) {
            this.jobStatus = "failed";
            this.jobError = error;
            return this;
        }
        /** Job pending at this queue position and size. */
        public Builder queued(int position, int size) {
            this.jobStatus = "pending";
            this.queuePosition = position;
            this.queueSize = size;
            return this;
        }
        public Builder provisionersAvailable(int value) { this.provisionersAvailable = value; return this; }
        /** Agent status: {@code connecting}, {@code connected}, {@code disconnected} or {@code timeout}. */
        public Builder status(String value) { this.status = value; return this; }
        public Builder connected() { return status("connected"); }
        public Builder connecting() { return status("connecting").lifecycle("created"); }
        public Builder timeout() { return status("timeout").lifecycle("created"); }
        /** Disconnected at {@code T0 + 1h} unless {@link #disconnectedAt} says otherwise. */
        public Builder disconnected() { return status("disconnected"); }
        public Builder disconnectedAt(Instant value) { this.disconnectedAt = value; return status("disconnected"); }
        /** The workspace was stopped: stop transition succeeded, agent off and disconnected. */
        public Builder stopped() { return transition("stop").jobStatus("succeeded").status("disconnected").lifecycle("off"); }
        /** Agent lifecycle state. */
        public Builder lifecycle(String value) { this.lifecycle = value; return this; }
        /** Makes this a sub-agent (dev container) of the agent named {@code parentName} in the same workspace. */
        public Builder parentAgent(String parentName) { this.parentAgent = parentName; return this; }
        /** Appends an app status ({@code working|idle|complete|failure}) created at {@code createdAt}. */
        public Builder appStatus(String state, String message, Instant createdAt) {
            appStatuses.add(new AppStatus(null, state, message, createdAt, null));
            return this;
        }
        /**
         * Appends these entries to {@code apps[0].statuses} in the order given (Coder lists newest first:
         * {@code created_at DESC, id DESC}). {@code latest_app_status} becomes the newest by {@code created_at}.
         */
        public Builder appStatuses(AppStatus... statuses) {
            appStatuses.addAll(List.of(statuses));
            latestIsNewest = true;
            return this;
        }
        /** An unclaimed prebuilt workspace: {@code is_prebuild: true}, owned by the prebuilds system user; same id. */
        public Builder prebuild() { this.prebuild = true; return this; }
        /** The build's {@code initiator_name} (and a matching {@code initiator_id}). */
        public Builder initiator(String name) { this.initiator = name; return this; }
        /** The Tasks API failed this cycle: no task, {@code task_unknown: true}. */
        public Builder taskUnknown() {
            this.taskUnknown = true;
            this.taskStatus = null;
            return this;
        }
        /** Attaches a Coder Task with this TaskStatus and {@code current_state.state} (may be null). */
        public Builder task(String taskStatus, String currentState, String message, Instant at) {
            this.taskUnknown = false;
            this.taskStatus = taskStatus;
            this.taskState = currentState;
            this.taskMessage = message;
            this.taskStateAt = at;
            return this;
        }

        /** The agent key this builder's snapshot has. */
        public String key() {
            return AgentKeys.key(workspaceId(owner, workspace), agentName);
        }

        /** The agent path ({@code owner/workspace.agent}). */
        public String path() {
            return AgentKeys.path(owner, workspace, agentName);
        }

        /** The agent UUID of the current build. */
        public String agentId() {
            return agentName == null ? null : uuid("agent:" + path() + "#" + buildNumber);
        }

        /** The Coder build id of this builder's latest build. */
        public String buildId() {
            return uuid("build:" + owner + "/" + workspace + "#" + buildNumber);
        }

        Departure departure() {
            Departure.Reason reason = Departure.Reason.forTransition(transition);
            if (reason == null) {
                throw new IllegalStateException("no departure reason for transition " + transition);
            }
            return new Departure(reason, buildId(), buildNumber, transition, jobStatus, initiator, workspaceId(owner, workspace));
        }

        public AgentSnapshot build() {
            Instant observed = observedAt != null ? observedAt : T0.plusSeconds(60 + pollId * 5);
            String wsId = workspaceId(owner, workspace);
            String buildId = buildId();
            Instant buildCreated = T0.plusSeconds(buildNumber * 3600L - 3600L);
            ObjectNode agentJson = agentName == null ? null : agentJson(wsId, observed, buildCreated);
            ObjectNode ws = workspaceJson(wsId, buildId, buildCreated, agentJson);
            ObjectNode task = taskStatus == null ? null : taskJson(wsId);
            return new AgentSnapshot(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment, pollId, observed, key(),
                    agentJson == null ? null : RawJson.of(agentJson), RawJson.of(ws), task == null ? null : RawJson.of(task),
                    taskUnknown);
        }

        private ObjectNode agentJson(String wsId, Instant observed, Instant buildCreated) {
            ObjectNode a = FleetJson.mapper().createObjectNode();
            String id = agentId();
            a.put("id", id);
            if (parentAgent == null) {
                a.putNull("parent_id");
            } else {
                a.put("parent_id", uuid("agent:" + AgentKeys.path(owner, workspace, parentAgent) + "#" + buildNumber));
            }
            a.put("created_at", buildCreated.plusSeconds(60).toString());
            a.put("updated_at", observed.toString());
            boolean everConnected = !status.equals("connecting") && !status.equals("timeout");
            if (everConnected) {
                a.put("first_connected_at", buildCreated.plusSeconds(90).toString());
                a.put("last_connected_at", status.equals("connected") ? observed.toString() : buildCreated.plusSeconds(1800).toString());
                a.put("started_at", buildCreated.plusSeconds(91).toString());
            }
            if (status.equals("disconnected")) {
                Instant at = disconnectedAt != null ? disconnectedAt : buildCreated.plusSeconds(1800);
                a.put("disconnected_at", at.toString());
            }
            if (lifecycle.equals("ready")) {
                a.put("ready_at", buildCreated.plusSeconds(150).toString());
            }
            a.put("status", status);
            a.put("lifecycle_state", lifecycle);
            a.put("name", agentName);
            a.put("resource_id", uuid("resource:" + wsId + "#" + buildNumber));
            a.put("architecture", "amd64");
            a.putObject("environment_variables");
            a.put("operating_system", "linux");
            a.put("logs_length", 2048);
            a.put("logs_overflowed", false);
            a.put("version", "v2.29.1");
            a.put("api_version", "2.6");
            ArrayNode apps = a.putArray("apps");
            ObjectNode app = apps.addObject();
            String appId = uuid("app:" + id);
            app.put("id", appId);
            app.put("slug", "claude-code");
            app.put("display_name", "Claude Code");
            app.put("health", "healthy");
            app.put("sharing_level", "owner");
            ArrayNode statuses = app.putArray("statuses");
            for (AppStatus s : appStatuses) {
                ObjectNode st = statuses.addObject();
                st.put("id", s.id() != null ? s.id() : uuid("status:" + id + ":" + s.state() + ":" + s.createdAt()));
                st.put("created_at", s.createdAt().toString());
                st.put("workspace_id", wsId);
                st.put("agent_id", id);
                st.put("app_id", appId);
                st.put("state", s.state());
                st.put("message", s.message());
                st.put("uri", s.uri() == null ? "" : s.uri());
                st.put("icon", "");
                st.put("needs_user_attention", false);
            }
            a.put("connection_timeout_seconds", 120);
            a.putArray("subsystems");
            ObjectNode health = a.putObject("health");
            boolean healthy = status.equals("connected") && !lifecycle.endsWith("_error") && !lifecycle.startsWith("shut")
                    && !lifecycle.equals("off");
            health.put("healthy", healthy);
            if (!healthy) {
                health.put("reason", status.equals("timeout") ? "agent is taking too long to connect"
                        : status.equals("disconnected") ? "agent has lost connection" : "agent is shutting down");
            }
            a.putArray("display_apps").add("vscode").add("web_terminal");
            a.put("startup_script_behavior", "non-blocking");
            return a;
        }

        private ObjectNode workspaceJson(String wsId, String buildId, Instant buildCreated, ObjectNode agentJson) {
            ObjectNode w = FleetJson.mapper().createObjectNode();
            w.put("id", wsId);
            w.put("created_at", T0.toString());
            w.put("updated_at", buildCreated.toString());
            w.put("owner_id", prebuild ? PREBUILDS_OWNER_ID : uuid("user:" + owner));
            w.put("owner_name", prebuild ? PREBUILDS_OWNER : owner);
            w.put("organization_id", uuid("org:" + organization));
            w.put("organization_name", organization);
            w.put("template_id", uuid("template:" + template));
            w.put("template_name", template);
            w.put("template_display_name", template);
            ObjectNode b = w.putObject("latest_build");
            b.put("id", buildId);
            b.put("created_at", buildCreated.toString());
            b.put("updated_at", buildCreated.plusSeconds(88).toString());
            b.put("workspace_id", wsId);
            b.put("workspace_name", workspace);
            b.put("workspace_owner_name", prebuild ? PREBUILDS_OWNER : owner);
            b.put("build_number", buildNumber);
            b.put("transition", transition);
            ObjectNode job = b.putObject("job");
            job.put("id", uuid("job:" + buildId));
            job.put("created_at", buildCreated.toString());
            job.put("status", jobStatus);
            if (jobError != null) {
                job.put("error", jobError);
                job.put("error_code", "");
            }
            job.put("queue_position", queuePosition);
            job.put("queue_size", queueSize);
            job.put("type", "workspace_build");
            b.put("reason", "initiator");
            if (initiator != null) {
                b.put("initiator_id", uuid("user:" + initiator));
                b.put("initiator_name", initiator);
            }
            ArrayNode resources = b.putArray("resources");
            if (agentJson != null) {
                ObjectNode resource = resources.addObject();
                resource.put("id", agentJson.get("resource_id").asString());
                resource.put("workspace_transition", transition);
                resource.put("type", "kubernetes_deployment");
                resource.put("name", "main");
                // The poller empties agents[]: every agent travels as its own snapshot.
                resource.putArray("agents");
            }
            b.put("status", workspaceStatus());
            ObjectNode provisioners = b.putObject("matched_provisioners");
            provisioners.put("count", Math.max(1, provisionersAvailable));
            provisioners.put("available", provisionersAvailable);
            b.put("has_ai_task", true);
            if (!appStatuses.isEmpty() && agentJson != null) {
                ObjectNode latest = (ObjectNode) agentJson.get("apps").get(0).get("statuses").get(latestStatusIndex()).deepCopy();
                w.set("latest_app_status", latest);
            } else {
                w.putNull("latest_app_status");
            }
            w.put("outdated", false);
            w.put("name", workspace);
            w.putNull("deleting_at");
            w.putNull("dormant_at");
            if (prebuild) {
                w.put("is_prebuild", true);
            }
            ObjectNode health = w.putObject("health");
            health.put("healthy", agentJson == null || agentJson.get("health").get("healthy").asBoolean());
            health.putArray("failing_agents");
            if (taskStatus != null) {
                w.put("task_id", uuid("task:" + wsId));
            }
            return w;
        }

        private int latestStatusIndex() {
            if (!latestIsNewest) {
                return appStatuses.size() - 1;
            }
            int newest = 0;
            for (int i = 1; i < appStatuses.size(); i++) {
                if (appStatuses.get(i).createdAt().isAfter(appStatuses.get(newest).createdAt())) {
                    newest = i;
                }
            }
            return newest;
        }

        private String workspaceStatus() {
            return switch (jobStatus) {
                case "pending" -> "pending";
                case "running" -> switch (transition) {
                    case "start" -> "starting";
                    case "stop" -> "stopping";
                    default -> "deleting";
                };
                case "succeeded" -> switch (transition) {
                    case "start" -> "running";
                    case "stop" -> "stopped";
                    default -> "deleted";
                };
                case "canceling" -> "canceling";
                case "canceled" -> "canceled";
                default -> "failed";
            };
        }

        private ObjectNode taskJson(String wsId) {
            ObjectNode t = FleetJson.mapper().createObjectNode();
            t.put("id", uuid("task:" + wsId));
            t.put("owner_name", owner);
            t.put("name", workspace);
            t.put("workspace_id", wsId);
            t.put("workspace_name", workspace);
            t.put("workspace_build_number", buildNumber);
            if (agentName != null) {
                t.put("workspace_agent_id", agentId());
            } else {
                t.putNull("workspace_agent_id");
            }
            t.put("status", taskStatus);
            if (taskState == null) {
                t.putNull("current_state");
            } else {
                ObjectNode cs = t.putObject("current_state");
                cs.put("timestamp", (taskStateAt != null ? taskStateAt : T0).toString());
                cs.put("state", taskState);
                cs.put("message", taskMessage == null ? "" : taskMessage);
                cs.put("uri", "");
            }
            t.put("created_at", T0.toString());
            t.put("updated_at", T0.toString());
            return t;
        }
    }
}
