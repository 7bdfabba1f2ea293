package io.fleetevents.processor.diff;

import io.fleetevents.processor.snapshot.AgentFacts;
import io.fleetevents.processor.snapshot.AgentObservation;
import io.fleetevents.processor.snapshot.AppStatus;
import io.fleetevents.processor.snapshot.MarkerObservation;
import io.fleetevents.processor.snapshot.TaskFacts;
import io.fleetevents.processor.snapshot.WorkspaceFacts;
import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.EventIds;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.Rfc3339;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The diff of DESIGN.md "Deriving events": {@code (previous state, snapshot) -> (events, next state)}.
 *
 * <p>Guarantees, each covered by tests:
 * <ul>
 *   <li>Pure and deterministic: event ids are {@link EventIds} of the deployment, type, agent key and the Coder
 *       facts that identify the occurrence (agent UUID, {@code disconnected_at}, build id, app status time and
 *       state), so re-deriving after a restart or replay yields the same ids.</li>
 *   <li>Idempotent: a snapshot equal to the one the state came from yields no event.</li>
 *   <li>No rollback: a snapshot with an older {@code poll_id} than the state is ignored.</li>
 *   <li>First sight is a change from nothing; a rebuild (new agent UUID under the same key) compares the new
 *       agent with nothing, so its connection and failures are reported with the new {@code agent_id}.</li>
 * </ul>
 */
public final class AgentDiff {

    private AgentDiff() {
    }

    /** Diffs {@code snapshot} against {@code previous} (null when the key was never seen). */
    public static DiffResult between(AgentState previous, AgentObservation snapshot) {
        if (previous != null && snapshot.pollId() < previous.pollId()) {
            return DiffResult.ignored(previous);
        }
        WorkspaceFacts ws = snapshot.workspace();
        AgentFacts agent = snapshot.agent();
        AgentRef ref = refOf(snapshot);
        String agentId = agent == null ? null : agent.id();
        boolean rebuilt = previous != null && agentId != null && previous.agentId() != null
                && !agentId.equals(previous.agentId());
        AgentState sameAgent = rebuilt ? null : previous;
        List<EventNotification> events = new ArrayList<>(2);
        Context ctx = new Context(snapshot, ref, agentId);

        boolean failedBefore = previous != null && previous.buildFailed()
                && Objects.equals(previous.buildId(), ws.buildId());
        if (ws.buildFailed() && !failedBefore) {
            events.add(buildFailed(ctx, previous));
        }

        TaskFacts task = taskOf(snapshot);
        long watermarkMicros = previous == null ? Long.MIN_VALUE : previous.watermarkMicros();
        String watermarkId = previous == null ? null : previous.watermarkId();
        boolean working = false;
        if (agent != null) {
            String prevStatus = sameAgent == null ? null : sameAgent.status();
            String prevLifecycle = sameAgent == null ? null : sameAgent.lifecycle();
            boolean wasUp = up(prevStatus, prevLifecycle);
            boolean isUp = up(agent.status(), agent.lifecycle());
            if (isUp && !wasUp) {
                events.add(connected(ctx, previous, rebuilt, prevStatus, prevLifecycle));
            } else if (wasUp && !isUp && !"timeout".equals(agent.status())) {
                events.add(wentDown(ctx, prevStatus, prevLifecycle));
            }
            if ("timeout".equals(agent.status()) && !"timeout".equals(prevStatus)) {
                events.add(timedOut(ctx, prevStatus, prevLifecycle));
            }
            if (!Objects.equals(agent.lifecycle(), prevLifecycle)) {
                lifecycleFailure(ctx, prevStatus, prevLifecycle).ifPresent(events::add);
            }
            AppStatus signal = newestFreshSignal(snapshot, task);
            if (signal != null) {
                if (signal.createdAtMicros() > watermarkMicros) {
                    taskSignal(ctx, signal, signalId(signal), task).ifPresent(events::add);
                    watermarkMicros = signal.createdAtMicros();
                    watermarkId = null;
                }
                working = isUp && "working".equals(signal.state());
            }
        }
        String previousTaskStatus = previous == null ? null : previous.taskStatus();
        if (task != null && "error".equals(task.status()) && !"error".equals(previousTaskStatus)) {
            events.add(taskError(ctx, task, previousTaskStatus));
        }

        AgentState next = AgentState.builder()
                .deployment(snapshot.deployment())
                .pollId(snapshot.pollId())
                .agentKey(snapshot.agentKey())
                .agentId(agentId)
                .parentAgentId(agent == null ? null : agent.parentId())
                .workspaceName(ws.name())
                .owner(ws.owner())
                .organization(ws.organization())
                .template(ws.template())
                .buildId(ws.buildId())
                .buildNumber(ws.buildNumber())
                .transition(ws.transition())
                .buildFailed(ws.buildFailed())
                .status(agent == null ? null : agent.status())
                .lifecycle(agent == null ? null : agent.lifecycle())
                .lastConnectedAt(agent == null ? null : agent.lastConnectedAt())
                .watermark(watermarkMicros, watermarkId)
                .taskStatus(task == null ? null : task.status())
                .working(working)
                .buildPending(ws.buildPending())
                .noProvisioner(ws.noProvisioner())
                .build();
        return new DiffResult(events, next, false);
    }

    /**
     * The event for an agent that a complete cycle no longer lists; empty for an agent-less workspace or an agent
     * already known to be disconnected (its departure was reported when it happened).
     */
    public static Optional<EventNotification> vanished(AgentState state, MarkerObservation marker) {
        if (state.agentless() || "disconnected".equals(state.status())) {
            return Optional.empty();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("reason", "vanished");
        put(metadata, "last_seen", state.lastConnectedAt());
        metadata.put("poll_id", marker.pollId());
        put(metadata, "parent_agent_id", state.parentAgentId());
        String id = EventIds.of(marker.deployment(), EventType.AGENT_DISCONNECTED, state.agentKey(),
                Objects.requireNonNullElse(state.agentId(), "-"), "vanished", Long.toString(marker.pollId()));
        return Optional.of(new EventNotification(id, EventType.AGENT_DISCONNECTED, EventSeverity.INFO,
                marker.observedAt(), state.agentId(), null,
                "Agent vanished from a complete poll cycle (workspace deleted or agent removed)", metadata,
                state.ref(), fields(state.status(), state.lifecycle()), Map.of("status", "vanished"),
                marker.observedAt(), EventNotification.CURRENT_SCHEMA_VERSION));
    }

    /** Whether the agent counts as up: Coder says connected and its lifecycle is not {@code off}. */
    private static boolean up(String status, String lifecycle) {
        return "connected".equals(status) && !"off".equals(lifecycle);
    }

    private static EventNotification buildFailed(Context ctx, AgentState previous) {
        WorkspaceFacts ws = ctx.snapshot.workspace();
        Map<String, Object> metadata = new LinkedHashMap<>();
        put(metadata, "error", ws.jobError());
        put(metadata, "error_code", ws.jobErrorCode());
        metadata.put("build_number", ws.buildNumber());
        put(metadata, "transition", ws.transition());
        put(metadata, "build_id", ws.buildId());
        String message = ws.jobError() == null || ws.jobError().isBlank() ? "Workspace build failed"
                : "Workspace build failed: " + ws.jobError();
        Map<String, Object> before = previous == null ? null
                : Map.of("build_status", previous.buildFailed() ? "failed" : "not failed");
        return ctx.event(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, time(ws.jobCompletedAt(), ctx), null,
                message, metadata, before, Map.of("build_status", "failed"),
                Objects.requireNonNullElse(ws.buildId(), "build#" + ws.buildNumber()), "build_failed");
    }

    private static EventNotification connected(Context ctx, AgentState previous, boolean rebuilt, String prevStatus,
                                               String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        Map<String, Object> metadata = agentMetadata(ctx);
        if (rebuilt) {
            metadata.put("rebuilt", true);
            metadata.put("previous_agent_id", previous.agentId());
        }
        // While connected, disconnected_at is the last disconnect before this connection: it names the occurrence.
        // Without it, a reconnection after a disconnect we saw is named by the poll that observed it.
        String reconnectAfter = agent.disconnectedAt();
        boolean reconnect = reconnectAfter != null || "disconnected".equals(prevStatus) || "off".equals(prevLifecycle);
        String occurrence = reconnectAfter != null ? reconnectAfter
                : reconnect ? "poll:" + ctx.snapshot.pollId() : "first";
        String when = reconnect ? agent.lastConnectedAt() : agent.firstConnectedAt();
        return ctx.event(EventType.AGENT_CONNECTED, EventSeverity.INFO, time(when, ctx), null, "Agent connected",
                metadata, beforeFields(previous, prevStatus, prevLifecycle), fields(agent.status(), agent.lifecycle()),
                agent.id(), "connected", occurrence);
    }

    private static EventNotification wentDown(Context ctx, String prevStatus, String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        WorkspaceFacts ws = ctx.snapshot.workspace();
        boolean runningStart = "start".equals(ws.transition())
                && (ws.buildStatus() == null || "running".equals(ws.buildStatus()));
        boolean statusDown = !"connected".equals(agent.status());
        Map<String, Object> metadata = agentMetadata(ctx);
        put(metadata, "last_seen", agent.lastConnectedAt());
        String occurrence = statusDown
                ? Objects.requireNonNullElse(agent.disconnectedAt(), "poll:" + ctx.snapshot.pollId())
                : "lifecycle:off";
        Instant when = statusDown ? time(agent.disconnectedAt(), ctx) : ctx.snapshot.observedAt();
        Map<String, Object> before = fields(prevStatus, prevLifecycle);
        Map<String, Object> after = fields(agent.status(), agent.lifecycle());
        if (runningStart) {
            metadata.put("reason", statusDown ? "connection_lost" : "agent_shut_down");
            put(metadata, "error", statusDown ? "agent has lost connection" : "agent is not running");
            String message = statusDown ? "Agent disconnected unexpectedly" : "Agent shut down unexpectedly";
            return ctx.event(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, when, null, message, metadata,
                    before, after, agent.id(), "down", occurrence);
        }
        String reason = "delete".equals(ws.transition()) ? "workspace_deleted"
                : "stop".equals(ws.transition()) ? "workspace_stopped"
                : "workspace_" + Objects.requireNonNullElse(ws.buildStatus(), "unknown");
        metadata.put("reason", reason);
        return ctx.event(EventType.AGENT_DISCONNECTED, EventSeverity.INFO, when, null,
                "Agent disconnected: " + reason.replace('_', ' '), metadata, before, after,
                agent.id(), "down", occurrence);
    }

    private static EventNotification timedOut(Context ctx, String prevStatus, String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("reason", "connection_timeout");
        metadata.put("error", "agent is taking too long to connect");
        if (agent.connectionTimeoutSeconds() > 0) {
            metadata.put("connection_timeout_seconds", agent.connectionTimeoutSeconds());
        }
        Instant when = ctx.snapshot.observedAt();
        if (agent.createdAt() != null && agent.connectionTimeoutSeconds() > 0) {
            when = time(agent.createdAt(), ctx).plus(agent.connectionTimeoutSeconds(), ChronoUnit.SECONDS);
        }
        return ctx.event(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, when, null,
                "Agent is taking too long to connect", metadata, fields(prevStatus, prevLifecycle),
                fields(agent.status(), agent.lifecycle()), agent.id(), "timeout");
    }

    private static Optional<EventNotification> lifecycleFailure(Context ctx, String prevStatus, String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        String lifecycle = agent.lifecycle();
        EventSeverity severity;
        String message;
        if ("start_error".equals(lifecycle)) {
            severity = EventSeverity.CRITICAL;
            message = "Agent startup script exited with an error";
        } else if ("shutdown_error".equals(lifecycle)) {
            severity = EventSeverity.CRITICAL;
            message = "Agent shutdown script exited with an error";
        } else if ("start_timeout".equals(lifecycle)) {
            severity = EventSeverity.WARNING;
            message = "Agent startup script timed out";
        } else if ("shutdown_timeout".equals(lifecycle)) {
            severity = EventSeverity.WARNING;
            message = "Agent shutdown script timed out";
        } else {
            return Optional.empty();
        }
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("reason", lifecycle);
        Instant when = lifecycle.startsWith("start_") ? time(agent.readyAt(), ctx) : ctx.snapshot.observedAt();
        return Optional.of(ctx.event(EventType.AGENT_FAILURE, severity, when, null, message, metadata,
                fields(prevStatus, prevLifecycle), fields(agent.status(), lifecycle), agent.id(), "lifecycle",
                lifecycle));
    }

    private static Optional<EventNotification> taskSignal(Context ctx, AppStatus signal, String signalId,
                                                          TaskFacts task) {
        String state = signal.state();
        EventType type;
        EventSeverity severity;
        String fallback;
        if ("complete".equals(state) || "completed".equals(state)) {
            type = EventType.TASK_COMPLETION;
            severity = EventSeverity.INFO;
            fallback = "Task completed";
        } else if ("failure".equals(state) || "failed".equals(state)) {
            type = EventType.TASK_FAILURE;
            severity = EventSeverity.WARNING;
            fallback = "Task failed";
        } else {
            return Optional.empty();
        }
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("state", state);
        put(metadata, "uri", signal.uri());
        metadata.put(signal.id().startsWith("task:") ? "source" : "app_status_id",
                signal.id().startsWith("task:") ? "task_current_state" : signal.id());
        String message = signal.message() == null || signal.message().isBlank() ? fallback : signal.message();
        return Optional.of(ctx.event(type, severity, Rfc3339.toInstant(signal.createdAt()),
                task == null ? null : task.id(), message, metadata, null, Map.of("task_state", state), signalId));
    }

    private static EventNotification taskError(Context ctx, TaskFacts task, String previousTaskStatus) {
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("reason", "task_status_error");
        metadata.put("error", "Coder reports task status error");
        return ctx.event(EventType.TASK_FAILURE, EventSeverity.CRITICAL, ctx.snapshot.observedAt(), task.id(),
                "Task failed: Coder reports the task in error", metadata,
                previousTaskStatus == null ? null : Map.of("task_status", previousTaskStatus),
                Map.of("task_status", "error"), Objects.requireNonNullElse(task.id(), "-"), "task_error",
                Objects.requireNonNullElse(ctx.snapshot.workspace().buildId(), "poll:" + ctx.snapshot.pollId()));
    }

    /**
     * The newest app status that is this agent's and not stale, from the agent's apps, the workspace's
     * {@code latest_app_status} and the Task's {@code current_state}. When two sources report the same moment, the
     * app status wins (the Task state is a copy of it).
     */
    private static AppStatus newestFreshSignal(AgentObservation snapshot, TaskFacts task) {
        WorkspaceFacts ws = snapshot.workspace();
        AgentFacts agent = snapshot.agent();
        AppStatus best = null;
        AppStatus own = agent.newestAppStatus();
        if (own != null && !ws.isStale(own)) {
            best = own;
        }
        AppStatus latest = ws.latestAppStatus();
        if (latest != null && (latest.agentId() == null || latest.agentId().equals(agent.id()))
                && !ws.isStale(latest) && latest.newerThan(best)) {
            best = latest;
        }
        AppStatus current = task == null ? null : task.currentState();
        if (current != null && !ws.isStale(current) && current.newerThan(best)) {
            best = current;
        }
        return best;
    }

    /** Same moment and state, same signal, whichever source reported it. */
    private static String signalId(AppStatus signal) {
        return signal.createdAtMicros() + ":" + signal.state();
    }

    /** The snapshot's task when it concerns this agent (or the agent-less workspace). */
    private static TaskFacts taskOf(AgentObservation snapshot) {
        TaskFacts task = snapshot.task();
        if (task == null) {
            return null;
        }
        AgentFacts agent = snapshot.agent();
        if (agent == null) {
            return task.agentId() == null ? task : null;
        }
        if (task.agentId() != null) {
            return task.agentId().equals(agent.id()) ? task : null;
        }
        return agent.parentId() == null ? task : null;
    }

    private static AgentRef refOf(AgentObservation snapshot) {
        WorkspaceFacts ws = snapshot.workspace();
        String key = snapshot.agentKey();
        return new AgentRef(key, AgentKeys.path(ws.owner(), ws.name(), AgentKeys.agentName(key)),
                AgentKeys.workspaceId(key), ws.owner(), ws.organization(), ws.template());
    }

    private static Map<String, Object> agentMetadata(Context ctx) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        WorkspaceFacts ws = ctx.snapshot.workspace();
        if (ws.buildNumber() > 0) {
            metadata.put("build_number", ws.buildNumber());
        }
        put(metadata, "transition", ws.transition());
        put(metadata, "workspace_status", ws.buildStatus());
        if (ctx.snapshot.agent() != null) {
            put(metadata, "parent_agent_id", ctx.snapshot.agent().parentId());
        }
        return metadata;
    }

    private static Map<String, Object> beforeFields(AgentState previous, String status, String lifecycle) {
        return previous == null ? null : fields(status, lifecycle);
    }

    private static Map<String, Object> fields(String status, String lifecycle) {
        Map<String, Object> map = new LinkedHashMap<>(4);
        put(map, "status", status);
        put(map, "lifecycle_state", lifecycle);
        return map;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Coder's time of the fact when it gave one (and it parses), else when the poller observed it. */
    private static Instant time(String coderTime, Context ctx) {
        if (coderTime != null) {
            try {
                return Rfc3339.toInstant(coderTime);
            } catch (IllegalArgumentException e) {
                // a malformed optional timestamp is no reason to lose the event: fall back to observation time
            }
        }
        return ctx.snapshot.observedAt();
    }

    /** What every event of one snapshot shares. */
    private record Context(AgentObservation snapshot, AgentRef ref, String agentId) {

        EventNotification event(EventType type, EventSeverity severity, Instant timestamp, String taskId,
                                String message, Map<String, Object> metadata, Map<String, Object> before,
                                Map<String, Object> after, String... discriminators) {
            String id = EventIds.of(snapshot.deployment(), type, ref.key(), discriminators);
            return new EventNotification(id, type, severity, timestamp, agentId, taskId, message, metadata, ref,
                    before, after, snapshot.observedAt(), EventNotification.CURRENT_SCHEMA_VERSION);
        }
    }
}
