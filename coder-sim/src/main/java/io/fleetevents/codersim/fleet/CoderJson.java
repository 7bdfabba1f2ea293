package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;

/**
 * Renders the fleet in Coder's JSON shapes (coder-api.md §3–§7): field names, enums, and the difference between a
 * field that is {@code null} on the wire (UUID-or-null, NullTime, {@code latest_app_status}) and one that is omitted
 * when unset ({@code first_connected_at}, {@code job.error}, {@code ttl_ms}, {@code resources[].agents} when empty).
 */
final class CoderJson {

    private static final String WORKER_ID = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b";
    private static final String FILE_ID = "4b5c6d7e-8f9a-4b0c-1d2e-3f4a5b6c7d8e";

    private CoderJson() {
    }

    static void workspace(JsonGenerator g, SimWorkspace ws, Instant now, CoderVersion version) {
        g.writeStartObject();
        uuid(g, "id", ws.id);
        time(g, "created_at", ws.createdAt);
        time(g, "updated_at", ws.createdAt);
        uuid(g, "owner_id", ws.ownerId);
        g.writeStringProperty("owner_name", ws.ownerName);
        g.writeStringProperty("owner_avatar_url", "");
        uuid(g, "organization_id", ws.organizationId);
        g.writeStringProperty("organization_name", ws.organizationName);
        uuid(g, "template_id", ws.template.id());
        g.writeStringProperty("template_name", ws.template.name());
        g.writeStringProperty("template_display_name", ws.template.displayName());
        g.writeStringProperty("template_icon", ws.template.icon());
        g.writeBooleanProperty("template_allow_user_cancel_workspace_jobs", true);
        uuid(g, "template_active_version_id", ws.template.activeVersionId());
        g.writeBooleanProperty("template_require_active_version", false);
        g.writeBooleanProperty("template_use_classic_parameter_flow", false);
        g.writeName("latest_build");
        build(g, ws, now, version);
        g.writeName("latest_app_status");
        if (ws.latestAppStatus == null) {
            g.writeNull();
        } else {
            status(g, ws.latestAppStatus);
        }
        g.writeBooleanProperty("outdated", ws.outdated);
        g.writeStringProperty("name", ws.name);
        if (ws.autostartSchedule != null) {
            g.writeStringProperty("autostart_schedule", ws.autostartSchedule);
        }
        if (ws.ttlMs != null) {
            g.writeNumberProperty("ttl_ms", ws.ttlMs.longValue());
        }
        time(g, "last_used_at", ws.lastUsedAt);
        g.writeNullProperty("deleting_at");
        g.writeNullProperty("dormant_at");
        g.writeObjectPropertyStart("health");
        boolean healthy = true;
        g.writeArrayPropertyStart("failing_agents");
        if (ws.build.hasAgents()) {
            for (SimAgent agent : ws.agents) {
                if (!agent.subAgent() && healthReason(agent, now) != null) {
                    g.writeString(agent.id.toString());
                    healthy = false;
                }
            }
        }
        g.writeEndArray();
        g.writeBooleanProperty("healthy", healthy);
        g.writeEndObject();
        g.writeStringProperty("automatic_updates", "never");
        g.writeBooleanProperty("allow_renames", false);
        g.writeBooleanProperty("favorite", false);
        g.writeNullProperty("next_start_at");
        g.writeBooleanProperty("is_prebuild", ws.prebuild);
        if (!version.main()) {
            g.writeName("task_id");
            if (ws.task == null) {
                g.writeNull();
            } else {
                g.writeString(ws.task.id.toString());
            }
        }
        g.writeEndObject();
    }

    private static void build(JsonGenerator g, SimWorkspace ws, Instant now, CoderVersion version) {
        SimBuild b = ws.build;
        g.writeStartObject();
        uuid(g, "id", b.id);
        time(g, "created_at", b.createdAt);
        time(g, "updated_at", b.updatedAt != null ? b.updatedAt : b.createdAt);
        uuid(g, "workspace_id", ws.id);
        g.writeStringProperty("workspace_name", ws.name);
        uuid(g, "workspace_owner_id", ws.ownerId);
        g.writeStringProperty("workspace_owner_name", ws.ownerName);
        g.writeStringProperty("workspace_owner_avatar_url", "");
        uuid(g, "template_version_id", ws.template.activeVersionId());
        g.writeStringProperty("template_version_name", ws.template.versionName());
        g.writeNumberProperty("build_number", b.number);
        g.writeStringProperty("transition", b.transition);
        uuid(g, "initiator_id", b.initiatorId != null ? b.initiatorId : ws.ownerId);
        g.writeStringProperty("initiator_name", b.initiatorName != null ? b.initiatorName : ws.ownerName);
        g.writeName("job");
        job(g, ws);
        g.writeStringProperty("reason", b.reason);
        g.writeArrayPropertyStart("resources");
        if ("succeeded".equals(b.jobStatus)) {
            if ("start".equals(b.transition)) {
                g.writeStartObject();
                uuid(g, "id", b.resourceId);
                time(g, "created_at", b.completedAt.minusMillis(210));
                uuid(g, "job_id", b.jobId);
                g.writeStringProperty("workspace_transition", b.transition);
                g.writeStringProperty("type", "kubernetes_deployment");
                g.writeStringProperty("name", "main");
                g.writeBooleanProperty("hide", false);
                g.writeStringProperty("icon", "");
                if (!ws.agents.isEmpty()) {
                    g.writeArrayPropertyStart("agents");
                    for (SimAgent agent : ws.agents) {
                        agent(g, ws, agent, now, version);
                    }
                    g.writeEndArray();
                }
                g.writeArrayPropertyStart("metadata");
                g.writeStartObject();
                g.writeStringProperty("key", "cpu");
                g.writeStringProperty("value", "4");
                g.writeBooleanProperty("sensitive", false);
                g.writeEndObject();
                g.writeEndArray();
                g.writeNumberProperty("daily_cost", 0);
                g.writeEndObject();
            }
            if (!"delete".equals(b.transition)) {
                g.writeStartObject();
                uuid(g, "id", b.volumeResourceId);
                time(g, "created_at", b.completedAt.minusMillis(220));
                uuid(g, "job_id", b.jobId);
                g.writeStringProperty("workspace_transition", b.transition);
                g.writeStringProperty("type", "kubernetes_persistent_volume_claim");
                g.writeStringProperty("name", "home");
                g.writeBooleanProperty("hide", true);
                g.writeStringProperty("icon", "/icon/database.svg");
                g.writeNumberProperty("daily_cost", 0);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        if ("start".equals(b.transition) && "succeeded".equals(b.jobStatus) && ws.ttlMs != null) {
            time(g, "deadline", b.createdAt.plusMillis(ws.ttlMs));
        } else {
            g.writeNullProperty("deadline");
        }
        g.writeNullProperty("max_deadline");
        g.writeStringProperty("status", b.status());
        g.writeNumberProperty("daily_cost", 0);
        // Coder computes matched provisioners only for a pending job; any other build carries the zero value.
        g.writeObjectPropertyStart("matched_provisioners");
        if ("pending".equals(b.jobStatus)) {
            boolean queued = b.queuePosition > 0;
            g.writeNumberProperty("count", 2);
            g.writeNumberProperty("available", queued ? 0 : 2);
            time(g, "most_recently_seen", b.createdAt.minusSeconds(1));
        } else {
            g.writeNumberProperty("count", 0);
            g.writeNumberProperty("available", 0);
            g.writeNullProperty("most_recently_seen");
        }
        g.writeEndObject();
        g.writeNullProperty("template_version_preset_id");
        if (!version.main()) {
            g.writeBooleanProperty("has_ai_task", ws.template.appSlug() != null);
        }
        g.writeBooleanProperty("has_external_agent", false);
        g.writeEndObject();
    }

    private static void job(JsonGenerator g, SimWorkspace ws) {
        SimBuild b = ws.build;
        g.writeStartObject();
        uuid(g, "id", b.jobId);
        time(g, "created_at", b.createdAt);
        if (!"pending".equals(b.jobStatus)) {
            time(g, "started_at", b.startedAt);
        }
        if (b.completedAt != null) {
            time(g, "completed_at", b.completedAt);
        }
        if (b.jobError != null) {
            g.writeStringProperty("error", b.jobError);
        }
        if (b.jobErrorCode != null) {
            g.writeStringProperty("error_code", b.jobErrorCode);
        }
        g.writeStringProperty("status", b.jobStatus);
        if (!"pending".equals(b.jobStatus)) {
            g.writeStringProperty("worker_id", WORKER_ID);
            g.writeStringProperty("worker_name", "provisioner-0");
        }
        g.writeStringProperty("file_id", FILE_ID);
        g.writeObjectPropertyStart("tags");
        g.writeStringProperty("scope", "organization");
        g.writeStringProperty("owner", "");
        g.writeEndObject();
        g.writeNumberProperty("queue_position", b.queuePosition);
        g.writeNumberProperty("queue_size", b.queueSize);
        uuid(g, "organization_id", ws.organizationId);
        g.writeObjectPropertyStart("input");
        uuid(g, "workspace_build_id", b.id);
        g.writeEndObject();
        g.writeStringProperty("type", "workspace_build");
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("template_version_name", ws.template.versionName());
        uuid(g, "template_id", ws.template.id());
        g.writeStringProperty("template_name", ws.template.name());
        g.writeStringProperty("template_display_name", ws.template.displayName());
        g.writeStringProperty("template_icon", ws.template.icon());
        uuid(g, "workspace_id", ws.id);
        g.writeStringProperty("workspace_name", ws.name);
        g.writeEndObject();
        g.writeBooleanProperty("logs_overflowed", false);
        g.writeEndObject();
    }

    /** Coder's agent health reason (coder-api.md §5), or null when healthy. */
    static String healthReason(SimAgent agent, Instant now) {
        String status = agent.status(now);
        boolean connected = "connected".equals(status);
        if (!connected && "off".equals(agent.lifecycle)) {
            return "agent is not running";
        }
        if ("timeout".equals(status)) {
            return "agent is taking too long to connect";
        }
        if ("disconnected".equals(status)) {
            return "agent has lost connection";
        }
        if ("start_error".equals(agent.lifecycle)) {
            return "agent startup script exited with an error";
        }
        if (agent.lifecycle.startsWith("shut") || "off".equals(agent.lifecycle)) {
            return "agent is shutting down";
        }
        return null;
    }

    static void agent(JsonGenerator g, SimWorkspace ws, SimAgent a, Instant now, CoderVersion version) {
        Instant heartbeat = a.lastConnectedAt(now);
        String status = a.status(now);
        g.writeStartObject();
        uuid(g, "id", a.id);
        g.writeName("parent_id");
        if (a.parentId == null) {
            g.writeNull();
        } else {
            g.writeString(a.parentId.toString());
        }
        time(g, "created_at", a.createdAt);
        time(g, "updated_at", heartbeat != null && heartbeat.isAfter(a.createdAt) ? heartbeat : a.createdAt);
        optionalTime(g, "first_connected_at", a.firstConnectedAt);
        optionalTime(g, "last_connected_at", heartbeat);
        optionalTime(g, "disconnected_at", a.disconnectedAt(now));
        optionalTime(g, "started_at", a.startedAt);
        optionalTime(g, "ready_at", a.readyAt);
        g.writeStringProperty("status", status);
        g.writeStringProperty("lifecycle_state", a.lifecycle);
        g.writeStringProperty("name", a.name);
        uuid(g, "resource_id", a.resourceId);
        g.writeStringProperty("architecture", "amd64");
        g.writeObjectPropertyStart("environment_variables");
        g.writeEndObject();
        g.writeStringProperty("operating_system", "linux");
        g.writeNumberProperty("logs_length", a.logsLength);
        g.writeBooleanProperty("logs_overflowed", false);
        g.writeStringProperty("directory", a.subAgent() ? "/workspaces/" + ws.name : "/home/coder");
        g.writeStringProperty("expanded_directory", a.subAgent() ? "/workspaces/" + ws.name : "/home/coder");
        g.writeStringProperty("version", "v2.29.1");
        g.writeStringProperty("api_version", "2.6");
        g.writeArrayPropertyStart("apps");
        if (a.appId != null) {
            app(g, ws, a, version);
        }
        g.writeEndArray();
        if ("connected".equals(status) && heartbeat != null) {
            g.writeObjectPropertyStart("latency");
            g.writeObjectPropertyStart("Frankfurt");
            g.writeBooleanProperty("preferred", true);
            g.writeNumberProperty("latency_ms", 20.0 + ((heartbeat.getEpochSecond() / 15 + a.id.hashCode()) & 15) / 4.0);
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeNumberProperty("connection_timeout_seconds", 120);
        g.writeStringProperty("troubleshooting_url", "https://coder.com/docs/admin/templates/troubleshooting");
        g.writeArrayPropertyStart("subsystems");
        g.writeEndArray();
        g.writeObjectPropertyStart("health");
        String reason = healthReason(a, now);
        g.writeBooleanProperty("healthy", reason == null);
        if (reason != null) {
            g.writeStringProperty("reason", reason);
        }
        g.writeEndObject();
        g.writeArrayPropertyStart("display_apps");
        g.writeString("vscode");
        g.writeString("web_terminal");
        g.writeString("ssh_helper");
        g.writeString("port_forwarding_helper");
        g.writeEndArray();
        UUID logSource = new UUID(a.id.getMostSignificantBits() ^ 0x5A5AL, a.id.getLeastSignificantBits());
        g.writeArrayPropertyStart("log_sources");
        g.writeStartObject();
        uuid(g, "workspace_agent_id", a.id);
        uuid(g, "id", logSource);
        time(g, "created_at", a.createdAt);
        g.writeStringProperty("display_name", "Startup Script");
        g.writeStringProperty("icon", "/emojis/25b6.png");
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayPropertyStart("scripts");
        g.writeStartObject();
        uuid(g, "id", new UUID(a.id.getMostSignificantBits() ^ 0xA5A5L, a.id.getLeastSignificantBits()));
        uuid(g, "log_source_id", logSource);
        g.writeStringProperty("log_path", "/tmp/coder-startup-script.log");
        g.writeStringProperty("script", "#!/bin/sh\nset -e\ncode-server --auth none --port 13337 >/tmp/code-server.log 2>&1 &\n");
        g.writeStringProperty("cron", "");
        g.writeBooleanProperty("run_on_start", true);
        g.writeBooleanProperty("run_on_stop", false);
        g.writeBooleanProperty("start_blocks_login", false);
        g.writeNumberProperty("timeout", 0);
        g.writeStringProperty("display_name", "Startup Script");
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringProperty("startup_script_behavior", "non-blocking");
        g.writeEndObject();
    }

    private static void app(JsonGenerator g, SimWorkspace ws, SimAgent a, CoderVersion version) {
        g.writeStartObject();
        uuid(g, "id", a.appId);
        g.writeStringProperty("url", "http://localhost:3284");
        g.writeBooleanProperty("external", false);
        g.writeStringProperty("slug", a.appSlug);
        g.writeStringProperty("display_name", ws.template.appDisplayName());
        g.writeBooleanProperty("subdomain", false);
        g.writeStringProperty("sharing_level", "owner");
        g.writeObjectPropertyStart("healthcheck");
        g.writeStringProperty("url", "http://localhost:3284/status");
        g.writeNumberProperty("interval", 5);
        g.writeNumberProperty("threshold", 3);
        g.writeEndObject();
        g.writeStringProperty("health", a.appHealth);
        g.writeBooleanProperty("hidden", false);
        g.writeStringProperty("open_in", "slim-window");
        g.writeArrayPropertyStart("statuses");
        if (version.statusesNewestFirst()) {
            a.statuses.stream().sorted(SimStatus.NEWEST_FIRST).forEach(s -> status(g, s));
        } else {
            for (SimStatus s : a.statuses) {
                status(g, s);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void status(JsonGenerator g, SimStatus s) {
        g.writeStartObject();
        uuid(g, "id", s.id());
        time(g, "created_at", s.createdAt());
        uuid(g, "workspace_id", s.workspaceId());
        uuid(g, "agent_id", s.agentId());
        uuid(g, "app_id", s.appId());
        g.writeStringProperty("state", s.state());
        g.writeStringProperty("message", s.message());
        g.writeStringProperty("uri", s.uri());
        g.writeStringProperty("icon", "");
        g.writeBooleanProperty("needs_user_attention", false);
        g.writeEndObject();
    }

    /** A Coder Task (coder-api.md §7, §13.2) with its status computed in Coder's stages. */
    static void task(JsonGenerator g, SimWorkspace ws, Instant now) {
        SimWorkspace.SimTask t = ws.task;
        SimAgent main = ws.build.hasAgents() ? ws.mainAgent() : null;
        String status = taskStatus(ws, now);
        g.writeStartObject();
        uuid(g, "id", t.id);
        uuid(g, "organization_id", ws.organizationId);
        uuid(g, "owner_id", ws.ownerId);
        g.writeStringProperty("owner_name", ws.ownerName);
        g.writeStringProperty("owner_avatar_url", "");
        g.writeStringProperty("name", t.name);
        g.writeStringProperty("display_name", t.displayName);
        uuid(g, "template_id", ws.template.id());
        uuid(g, "template_version_id", ws.template.activeVersionId());
        g.writeStringProperty("template_name", ws.template.name());
        g.writeStringProperty("template_display_name", ws.template.displayName());
        g.writeStringProperty("template_icon", ws.template.icon());
        uuid(g, "workspace_id", ws.id);
        g.writeStringProperty("workspace_name", ws.name);
        g.writeStringProperty("workspace_status", ws.build.status());
        g.writeNumberProperty("workspace_build_number", ws.build.number);
        g.writeName("workspace_agent_id");
        if (main == null) {
            g.writeNull();
            g.writeNullProperty("workspace_agent_lifecycle");
            g.writeNullProperty("workspace_agent_health");
            g.writeNullProperty("workspace_app_id");
        } else {
            g.writeString(main.id.toString());
            g.writeStringProperty("workspace_agent_lifecycle", main.lifecycle);
            g.writeObjectPropertyStart("workspace_agent_health");
            String reason = healthReason(main, now);
            g.writeBooleanProperty("healthy", reason == null);
            if (reason != null) {
                g.writeStringProperty("reason", reason);
            }
            g.writeEndObject();
            g.writeName("workspace_app_id");
            if (main.appId == null) {
                g.writeNull();
            } else {
                g.writeString(main.appId.toString());
            }
        }
        g.writeStringProperty("initial_prompt", t.prompt);
        g.writeStringProperty("status", status);
        g.writeName("current_state");
        SimStatus latest = ws.latestAppStatusStale() ? null : ws.latestAppStatus;
        if (latest != null) {
            g.writeStartObject();
            time(g, "timestamp", latest.createdAt());
            g.writeStringProperty("state", latest.state());
            g.writeStringProperty("message", latest.message());
            g.writeStringProperty("uri", latest.uri());
            g.writeEndObject();
        } else if ("initializing".equals(status)) {
            g.writeStartObject();
            time(g, "timestamp", ws.build.createdAt);
            g.writeStringProperty("state", "working");
            g.writeStringProperty("message", main == null ? "Workspace is starting" : "Agent is starting");
            g.writeStringProperty("uri", "");
            g.writeEndObject();
        } else {
            g.writeNull();
        }
        time(g, "created_at", t.createdAt);
        time(g, "updated_at", ws.createdAt);
        g.writeEndObject();
    }

    /**
     * A Task of the experimental list of Coder 2.26–2.28: the task is the workspace (its id), {@code status} is the
     * workspace's status, the prompt is {@code prompt}; no {@code workspace_status}, {@code workspace_app_id} or
     * {@code display_name}. 2.26 still wrote {@code completed} where later releases write {@code complete}.
     */
    static void experimentalTask(JsonGenerator g, SimWorkspace ws, Instant now, CoderVersion version) {
        SimWorkspace.SimTask t = ws.task;
        SimAgent main = ws.build.hasAgents() ? ws.mainAgent() : null;
        g.writeStartObject();
        uuid(g, "id", ws.id);
        uuid(g, "organization_id", ws.organizationId);
        uuid(g, "owner_id", ws.ownerId);
        g.writeStringProperty("owner_name", ws.ownerName);
        g.writeStringProperty("name", ws.name);
        uuid(g, "template_id", ws.template.id());
        g.writeStringProperty("template_name", ws.template.name());
        g.writeStringProperty("template_display_name", ws.template.displayName());
        g.writeStringProperty("template_icon", ws.template.icon());
        uuid(g, "workspace_id", ws.id);
        g.writeName("workspace_agent_id");
        if (main == null) {
            g.writeNull();
            g.writeNullProperty("workspace_agent_lifecycle");
            g.writeNullProperty("workspace_agent_health");
        } else {
            g.writeString(main.id.toString());
            g.writeStringProperty("workspace_agent_lifecycle", main.lifecycle);
            g.writeObjectPropertyStart("workspace_agent_health");
            String reason = healthReason(main, now);
            g.writeBooleanProperty("healthy", reason == null);
            if (reason != null) {
                g.writeStringProperty("reason", reason);
            }
            g.writeEndObject();
        }
        g.writeStringProperty("prompt", t.prompt);
        g.writeStringProperty("status", ws.build.status());
        g.writeName("current_state");
        SimStatus latest = ws.latestAppStatusStale() ? null : ws.latestAppStatus;
        if (latest == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            time(g, "timestamp", latest.createdAt());
            String state = latest.state();
            g.writeStringProperty("state", version.minor() <= 26 && "complete".equals(state) ? "completed" : state);
            g.writeStringProperty("message", latest.message());
            g.writeStringProperty("uri", latest.uri());
            g.writeEndObject();
        }
        time(g, "created_at", ws.createdAt);
        time(g, "updated_at", ws.createdAt);
        g.writeEndObject();
    }

    /** Coder's TaskStatus, computed in the stages of the {@code tasks_with_status} view (coder-api.md §7). */
    static String taskStatus(SimWorkspace ws, Instant now) {
        SimAgent main = ws.build.hasAgents() ? ws.mainAgent() : null;
        SimBuild b = ws.build;
        switch (b.jobStatus) {
            case "failed", "canceling", "canceled":
                return "error";
            case "pending":
                return "start".equals(b.transition) ? "pending" : "unknown";
            case "succeeded":
                if (!"start".equals(b.transition)) {
                    return "paused";
                }
                break;
            case "running":
                if (!"start".equals(b.transition)) {
                    return "unknown";
                }
                break;
            default:
                return "unknown";
        }
        if (main == null || "created".equals(main.lifecycle) || "starting".equals(main.lifecycle)) {
            return "initializing";
        }
        if (!Set.of("ready", "start_timeout", "start_error").contains(main.lifecycle)) {
            return "unknown";
        }
        return switch (main.appHealth) {
            case "initializing" -> "initializing";
            case "unhealthy" -> "error";
            case "healthy", "disabled" -> "active";
            default -> "unknown";
        };
    }

    private static void uuid(JsonGenerator g, String name, UUID value) {
        g.writeStringProperty(name, value.toString());
    }

    private static void time(JsonGenerator g, String name, Instant value) {
        g.writeStringProperty(name, Timestamps.format(value));
    }

    private static void optionalTime(JsonGenerator g, String name, Instant value) {
        if (value != null) {
            g.writeStringProperty(name, Timestamps.format(value));
        }
    }
}
