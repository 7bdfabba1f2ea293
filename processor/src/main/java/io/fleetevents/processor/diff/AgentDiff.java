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
import io.fleetevents.processor.snapshot.Departure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
 *   <li>Time comes from the input only (Coder's timestamps, {@code observed_at}): a disconnect's grace is judged
 *       against the observation that carries it, never against the processor's clock, so a replay decides the
 *       same way.</li>
 * </ul>
 *
 * <p>{@link #between} handles a snapshot, {@link #atMarker} what a complete cycle means for each stored key.
 */
public final class AgentDiff {

    private AgentDiff() {
    }

    /** Diffs {@code snapshot} against {@code previous} with the default {@link DiffPolicy}. */
    public static DiffResult between(AgentState previous, AgentObservation snapshot) {
        return between(previous, snapshot, DiffPolicy.defaults());
    }

    /** Diffs {@code snapshot} against {@code previous} (null when the key was never seen). */
    public static DiffResult between(AgentState previous, AgentObservation snapshot, DiffPolicy policy) {
        if (previous != null && snapshot.pollId() < previous.pollId()) {
            return DiffResult.ignored(previous);
        }
        WorkspaceFacts ws = snapshot.workspace();
        AgentFacts agent = snapshot.agent();
        AgentRef ref = refOf(snapshot);
        String agentId = agent == null ? null : agent.id();
        boolean rebuilt = previous != null && agentId != null && previous.agentId() != null
                && !agentId.equals(previous.agentId());
        // A dev container recreation: Coder deletes the sub-agent and inserts one of the same name, with a new UUID,
        // under the same parent (coder-api.md §16). The parent UUID changes with every build, so the same parent
        // also means the same build.
        boolean recreated = rebuilt && agent.parentId() != null && agent.parentId().equals(previous.parentAgentId());
        // A claim keeps the workspace id and changes owner and name: the agent is new to its owner.
        boolean claimed = previous != null && previous.prebuild() && !ws.prebuild();
        AgentState sameAgent = rebuilt || claimed ? null : previous;
        List<EventNotification> events = new ArrayList<>(2);
        Context ctx = new Context(snapshot, ref, agentId);

        boolean failedBefore = previous != null && previous.buildFailed()
                && Objects.equals(previous.buildId(), ws.buildId());
        if (ws.buildFailed() && !failedBefore) {
            events.add(buildFailed(ctx, previous));
        }

        // An unknown task part (the Tasks API failed this cycle) is no change: keep what was known, derive nothing.
        TaskFacts task = snapshot.taskUnknown() ? null : taskOf(snapshot);
        String taskStatus = snapshot.taskUnknown() ? (previous == null ? null : previous.taskStatus())
                : task == null ? null : task.status();
        Watermark mark = previous == null ? Watermark.NONE
                : new Watermark(previous.watermarkMicros(), previous.watermarkId());
        boolean turnOpen = sameAgent != null && sameAgent.turnOpen();
        boolean working = false;
        String pending = null;
        if (agent != null) {
            String prevStatus = sameAgent == null ? null : sameAgent.status();
            String prevLifecycle = sameAgent == null ? null : sameAgent.lifecycle();
            String wasPending = sameAgent == null ? null : sameAgent.pendingDisconnectAt();
            if (recreated && !reportedGone(previous)) {
                events.add(recreatedOld(ctx, previous));
            }
            if (wasPending != null && graceOver(wasPending, policy, snapshot.observedAt())) {
                // The outage outlasted the grace before this snapshot: report it first, as a marker would have.
                events.add(disconnectFailure(previous, snapshot.deployment(), snapshot.observedAt(), policy));
                wasPending = null;
            }
            // Until a pending disconnect is reported, consumers still know the agent as connected.
            boolean wasUp = wasPending != null || up(prevStatus, prevLifecycle);
            String reportedStatus = wasPending != null ? "connected" : prevStatus;
            boolean isUp = up(agent.status(), agent.lifecycle());
            boolean runningStart = runningStart(ws);
            boolean statusDown = !"connected".equals(agent.status());
            if (isUp && !wasUp) {
                events.add(connected(ctx, previous, rebuilt, recreated, claimed, prevStatus, prevLifecycle));
            } else if (wasUp && !isUp && !"timeout".equals(agent.status())) {
                if (runningStart && statusDown) {
                    // Possibly a blip: Coder clears disconnected_at only at the first ping after a reconnect.
                    pending = wasPending != null ? wasPending
                            : Objects.requireNonNullElse(agent.disconnectedAt(),
                                    snapshot.observedAt().toString());
                } else {
                    events.add(wentDown(ctx, reportedStatus, prevLifecycle));
                }
            }
            if ("timeout".equals(agent.status()) && !"timeout".equals(prevStatus)) {
                events.add(timedOut(ctx, prevStatus, prevLifecycle));
            }
            if (!Objects.equals(agent.lifecycle(), prevLifecycle)) {
                lifecycleFailure(ctx, prevStatus, prevLifecycle).ifPresent(events::add);
            }
            TurnOutcome turns = turns(ctx, snapshot, task, mark, turnOpen, policy);
            events.addAll(turns.events());
            mark = turns.mark();
            turnOpen = turns.turnOpen();
            AppStatus newest = newestFreshSignal(snapshot, task);
            working = isUp && newest != null && "working".equals(newest.state());
        }
        if (task != null && "error".equals(task.status()) && !"error".equals(previous == null ? null
                : previous.taskStatus())) {
            events.add(taskError(ctx, task, previous == null ? null : previous.taskStatus()));
        }

        AgentState.Builder nextBuilder = AgentState.builder()
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
                .watermark(mark.micros(), mark.id())
                .turnOpen(turnOpen)
                .taskStatus(taskStatus)
                .working(working)
                .buildPending(ws.buildPending())
                .noProvisioner(ws.noProvisioner())
                .pendingDisconnectAt(ws.prebuild() ? null : pending)
                .prebuild(ws.prebuild())
                .buildStatus(ws.buildStatus())
                .observedAt(snapshot.observedAt());
        latestTask(nextBuilder, snapshot, task, sameAgent);
        if (previous != null) {
            nextBuilder.lastEvent(previous.lastEventId(), previous.lastEventType(), previous.lastEventAt());
        }
        AgentState next = nextBuilder.build();
        if (next.disconnectPending() && graceOver(next.pendingDisconnectAt(), policy, snapshot.observedAt())) {
            // Coder's disconnected_at is already older than the grace (e.g. the poller was down): no wait left.
            events.add(disconnectFailure(next, snapshot.deployment(), snapshot.observedAt(), policy));
            next = next.toBuilder().pendingDisconnectAt(null).build();
        }
        if (ws.prebuild()) {
            // An unclaimed prebuilt workspace belongs to no one yet: its agents are counted apart, never announced.
            events.clear();
        }
        return new DiffResult(events, withLastEvent(next, events), false);
    }

    /** {@code state} remembering the last of {@code events} as its last event; unchanged when there is none. */
    private static AgentState withLastEvent(AgentState state, List<EventNotification> events) {
        if (events.isEmpty()) {
            return state;
        }
        EventNotification last = events.get(events.size() - 1);
        return state.toBuilder().lastEvent(last.eventId(), last.eventType(), last.timestamp()).build();
    }

    /**
     * The latest task/app state for {@code fleet.agents}: the newest fresh signal of the snapshot (the rule that
     * decides {@code working}), with the Task id when the snapshot has a Task for this agent. While the Tasks API is
     * unknown, what the Task told before stays, unless an app status is newer: unknown is never "none".
     */
    private static void latestTask(AgentState.Builder next, AgentObservation snapshot, TaskFacts task,
                                   AgentState sameAgent) {
        AppStatus newest = newestFreshSignal(snapshot, task);
        String taskId = task == null ? null : task.id();
        if (snapshot.taskUnknown() && sameAgent != null) {
            taskId = sameAgent.taskId();
            Instant keptAt = sameAgent.taskAt();
            if (sameAgent.taskState() != null && (newest == null
                    || (keptAt != null && keptAt.isAfter(Rfc3339.toInstant(newest.createdAt()))))) {
                next.task(sameAgent.taskState(), sameAgent.taskMessage(), keptAt, taskId);
                return;
            }
        }
        if (newest == null || newest.state() == null || newest.state().isBlank()) {
            next.task(null, null, null, taskId);
            return;
        }
        String message = newest.message() == null || newest.message().isBlank() ? null : newest.message();
        next.task(newest.state(), message, Rfc3339.toInstant(newest.createdAt()), taskId);
    }

    /**
     * What a complete cycle means for one stored key of the marker's deployment: for a listed key, a pending
     * disconnect whose grace is over is reported; for a key the cycle does not list (and that was seen before the
     * cycle), a departure explained by its workspace's latest build is an INFO disconnect, anything else a vanish;
     * a pending disconnect without such a build is reported as the failure it was, before the vanish.
     */
    public static MarkerResult atMarker(AgentState state, MarkerObservation marker, DiffPolicy policy) {
        if (marker.agentKeys().contains(state.agentKey())) {
            if (state.disconnectPending() && !state.prebuild()
                    && graceOver(state.pendingDisconnectAt(), policy, marker.observedAt())) {
                List<EventNotification> events = List.of(disconnectFailure(state, marker.deployment(),
                        marker.observedAt(), policy));
                return MarkerResult.keep(events, withLastEvent(state.toBuilder().pendingDisconnectAt(null).build(),
                        events));
            }
            return MarkerResult.unchanged(state);
        }
        if (state.pollId() >= marker.pollId()) {
            // first seen after this cycle was taken; the next marker will list it
            return MarkerResult.unchanged(state);
        }
        if (state.agentless() || state.prebuild()) {
            return MarkerResult.gone(List.of());
        }
        Departure departure = marker.departures().get(state.agentKey());
        List<EventNotification> events = new ArrayList<>(2);
        if (departure != null) {
            // The build explains the absence, and a disconnect pending at that moment was the shutdown.
            if (state.disconnectPending() || !reportedGone(state)) {
                events.add(departed(state, marker, departure));
            }
            return MarkerResult.gone(events);
        }
        if (state.disconnectPending()) {
            events.add(disconnectFailure(state, marker.deployment(), marker.observedAt(), policy));
        }
        if (state.disconnectPending() || !reportedGone(state)) {
            events.add(vanishedEvent(state, marker));
        }
        return MarkerResult.gone(events);
    }

    private static EventNotification vanishedEvent(AgentState state, MarkerObservation marker) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("reason", "vanished");
        put(metadata, "last_seen", state.lastConnectedAt());
        metadata.put("poll_id", marker.pollId());
        put(metadata, "parent_agent_id", state.parentAgentId());
        String id = EventIds.of(marker.deployment(), EventType.AGENT_DISCONNECTED, state.agentKey(),
                Objects.requireNonNullElse(state.agentId(), "-"), "vanished", Long.toString(marker.pollId()));
        return new EventNotification(id, EventType.AGENT_DISCONNECTED, EventSeverity.INFO,
                marker.observedAt(), state.agentId(), null,
                "Agent vanished from a complete poll cycle (workspace deleted or agent removed)", metadata,
                state.ref(), reportedFields(state), Map.of("status", "vanished"),
                marker.observedAt(), EventNotification.CURRENT_SCHEMA_VERSION);
    }

    private static EventNotification departed(AgentState state, MarkerObservation marker, Departure departure) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("reason", departure.reason());
        if (departure.buildNumber() > 0) {
            metadata.put("build_number", departure.buildNumber());
        }
        put(metadata, "build_id", departure.buildId());
        put(metadata, "transition", departure.transition());
        put(metadata, "job_status", departure.jobStatus());
        put(metadata, "initiator", departure.initiator());
        put(metadata, "last_seen", state.lastConnectedAt());
        metadata.put("poll_id", marker.pollId());
        put(metadata, "parent_agent_id", state.parentAgentId());
        String build = departure.buildId() != null ? departure.buildId() : "build#" + departure.buildNumber();
        String id = EventIds.of(marker.deployment(), EventType.AGENT_DISCONNECTED, state.agentKey(),
                Objects.requireNonNullElse(state.agentId(), "-"), departure.reason(), build);
        return new EventNotification(id, EventType.AGENT_DISCONNECTED, EventSeverity.INFO, marker.observedAt(),
                state.agentId(), null, "Agent disconnected: " + departure.reason().replace('_', ' '), metadata,
                state.ref(), reportedFields(state), Map.of("status", "disconnected"), marker.observedAt(),
                EventNotification.CURRENT_SCHEMA_VERSION);
    }

    /**
     * The AGENT_FAILURE of a disconnect that did not heal within the grace. Built from the state alone, so the
     * snapshot or the marker that finds the grace over gives the same event, named by Coder's
     * {@code disconnected_at} as the disconnect itself was before the grace existed.
     */
    private static EventNotification disconnectFailure(AgentState state, String deployment, Instant observedAt,
                                                       DiffPolicy policy) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (state.buildNumber() > 0) {
            metadata.put("build_number", state.buildNumber());
        }
        put(metadata, "transition", state.transition());
        put(metadata, "parent_agent_id", state.parentAgentId());
        put(metadata, "last_seen", state.lastConnectedAt());
        metadata.put("reason", "connection_lost");
        metadata.put("error", "agent has lost connection");
        metadata.put("disconnected_at", state.pendingDisconnectAt());
        metadata.put("grace_seconds", policy.disconnectGrace().toSeconds());
        String id = EventIds.of(deployment, EventType.AGENT_FAILURE, state.agentKey(),
                Objects.requireNonNullElse(state.agentId(), "-"), "down", state.pendingDisconnectAt());
        return new EventNotification(id, EventType.AGENT_FAILURE, EventSeverity.CRITICAL,
                parse(state.pendingDisconnectAt(), observedAt), state.agentId(), null,
                "Agent disconnected unexpectedly", metadata, state.ref(), fields("connected", state.lifecycle()),
                fields("disconnected", state.lifecycle()), observedAt, EventNotification.CURRENT_SCHEMA_VERSION);
    }

    private static EventNotification recreatedOld(Context ctx, AgentState previous) {
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("reason", "recreated");
        put(metadata, "parent_agent_id", previous.parentAgentId());
        metadata.put("new_agent_id", ctx.agentId());
        put(metadata, "last_seen", previous.lastConnectedAt());
        String id = EventIds.of(ctx.snapshot().deployment(), EventType.AGENT_DISCONNECTED, ctx.ref().key(),
                previous.agentId(), "recreated");
        return new EventNotification(id, EventType.AGENT_DISCONNECTED, EventSeverity.INFO,
                ctx.snapshot().observedAt(), previous.agentId(), null,
                "Agent disconnected: dev container recreated", metadata, ctx.ref(), reportedFields(previous),
                Map.of("status", "recreated"), ctx.snapshot().observedAt(), EventNotification.CURRENT_SCHEMA_VERSION);
    }

    /** Whether consumers were already told this agent is down, so a later absence adds nothing. */
    private static boolean reportedGone(AgentState state) {
        return !state.disconnectPending() && ("disconnected".equals(state.status()) || "off".equals(state.lifecycle()));
    }

    /** The state as consumers last heard of it: connected while a disconnect is pending. */
    private static Map<String, Object> reportedFields(AgentState state) {
        return fields(state.disconnectPending() ? "connected" : state.status(), state.lifecycle());
    }

    private static boolean graceOver(String disconnectedAt, DiffPolicy policy, Instant now) {
        Instant at = parse(disconnectedAt, now);
        return !at.plus(policy.disconnectGrace()).isAfter(now);
    }

    private static boolean runningStart(WorkspaceFacts ws) {
        return "start".equals(ws.transition()) && (ws.buildStatus() == null || "running".equals(ws.buildStatus()));
    }

    private static Instant parse(String rfc3339, Instant fallback) {
        if (rfc3339 != null) {
            try {
                return Rfc3339.toInstant(rfc3339);
            } catch (IllegalArgumentException e) {
                // a malformed optional timestamp is no reason to lose the event
            }
        }
        return fallback;
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

    private static EventNotification connected(Context ctx, AgentState previous, boolean rebuilt, boolean recreated,
                                               boolean claimed, String prevStatus, String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        Map<String, Object> metadata = agentMetadata(ctx);
        if (recreated) {
            metadata.put("recreated", true);
            metadata.put("previous_agent_id", previous.agentId());
        } else if (rebuilt) {
            metadata.put("rebuilt", true);
            metadata.put("previous_agent_id", previous.agentId());
        }
        if (claimed) {
            metadata.put("claimed", true);
            put(metadata, "previous_owner", previous.owner());
            put(metadata, "previous_path", previous.ref().path());
        }
        // While connected, disconnected_at is the last disconnect before this connection: it names the occurrence.
        // Without it, a reconnection after a disconnect we saw is named by the poll that observed it.
        String reconnectAfter = agent.disconnectedAt();
        boolean reconnect = reconnectAfter != null || "disconnected".equals(prevStatus) || "off".equals(prevLifecycle);
        String occurrence = reconnectAfter != null ? reconnectAfter
                : reconnect ? "poll:" + ctx.snapshot.pollId() : "first";
        String when = reconnect ? agent.lastConnectedAt() : agent.firstConnectedAt();
        if (claimed) {
            // the same agent may already have been announced as the prebuild's: the claim is its own occurrence
            occurrence = "claimed:" + ctx.snapshot.workspace().buildId();
        }
        return ctx.event(EventType.AGENT_CONNECTED, EventSeverity.INFO, time(when, ctx), null,
                claimed ? "Agent connected: prebuilt workspace claimed" : "Agent connected",
                metadata, beforeFields(previous, prevStatus, prevLifecycle), fields(agent.status(), agent.lifecycle()),
                agent.id(), "connected", occurrence);
    }

    private static EventNotification wentDown(Context ctx, String prevStatus, String prevLifecycle) {
        AgentFacts agent = ctx.snapshot.agent();
        WorkspaceFacts ws = ctx.snapshot.workspace();
        boolean runningStart = runningStart(ws);
        boolean statusDown = !"connected".equals(agent.status());
        Map<String, Object> metadata = agentMetadata(ctx);
        put(metadata, "last_seen", agent.lastConnectedAt());
        String occurrence = statusDown
                ? Objects.requireNonNullElse(agent.disconnectedAt(), "poll:" + ctx.snapshot.pollId())
                : "lifecycle:off";
        Instant when = statusDown ? time(agent.disconnectedAt(), ctx) : ctx.snapshot.observedAt();
        Map<String, Object> before = fields(prevStatus, prevLifecycle);
        Map<String, Object> after = fields(agent.status(), agent.lifecycle());
        if (runningStart && !statusDown) {
            // A connection loss in a running start waits for the grace (between); an agent that turns itself off
            // while its workspace should run has not lost a connection that could come back.
            metadata.put("reason", "agent_shut_down");
            metadata.put("error", "agent is not running");
            return ctx.event(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, when, null,
                    "Agent shut down unexpectedly", metadata, before, after, agent.id(), "down", occurrence);
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

    /**
     * Acts on every fresh signal after the watermark, oldest first: {@code working} opens a turn, an explicit
     * {@code complete}/{@code failure} is the turn's event and closes it (so the {@code idle} AgentAPI writes ~2 s
     * later adds nothing), and {@code idle} closes an open turn as an implicit completion when the policy says so.
     */
    private static TurnOutcome turns(Context ctx, AgentObservation snapshot, TaskFacts task, Watermark mark,
                                     boolean turnOpen, DiffPolicy policy) {
        List<EventNotification> events = new ArrayList<>(1);
        for (AppStatus signal : signalsAfter(snapshot, task, mark)) {
            String state = signal.state();
            if ("working".equals(state)) {
                turnOpen = true;
            } else if (isComplete(state) || isFailure(state)) {
                events.add(explicitEnd(ctx, signal, task));
                turnOpen = false;
            } else if ("idle".equals(state)) {
                if (turnOpen && policy.implicitIdleCompletion()) {
                    events.add(implicitEnd(ctx, signal, task));
                }
                turnOpen = false;
            }
            mark = new Watermark(signal.createdAtMicros(), signal.id());
        }
        return new TurnOutcome(events, mark, turnOpen);
    }

    /**
     * This agent's fresh signals after the watermark, in Coder's order ({@code created_at}, then id): every app
     * status of its apps (Coder keeps the whole history), the workspace's {@code latest_app_status} when it is this
     * agent's and not among them, and the Task's {@code current_state} when no app status has its moment (the Task
     * state is a copy of an app status). Stale statuses (older than the latest start build) never count.
     */
    private static List<AppStatus> signalsAfter(AgentObservation snapshot, TaskFacts task, Watermark mark) {
        WorkspaceFacts ws = snapshot.workspace();
        AgentFacts agent = snapshot.agent();
        List<AppStatus> signals = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<Long> moments = new HashSet<>();
        for (AppStatus status : agent.appStatuses()) {
            ids.add(status.id());
            moments.add(status.createdAtMicros());
            if (!ws.isStale(status) && mark.before(status)) {
                signals.add(status);
            }
        }
        AppStatus latest = ws.latestAppStatus();
        if (latest != null && (latest.agentId() == null || latest.agentId().equals(agent.id()))
                && !ids.contains(latest.id())) {
            moments.add(latest.createdAtMicros());
            if (!ws.isStale(latest) && mark.before(latest)) {
                signals.add(latest);
            }
        }
        AppStatus current = task == null ? null : task.currentState();
        if (current != null && !moments.contains(current.createdAtMicros()) && !ws.isStale(current)
                && current.createdAtMicros() > mark.micros()) {
            signals.add(current);
        }
        signals.sort(AppStatus.ORDER);
        return signals;
    }

    private static boolean isComplete(String state) {
        return "complete".equals(state) || "completed".equals(state);
    }

    private static boolean isFailure(String state) {
        return "failure".equals(state) || "failed".equals(state);
    }

    private static EventNotification explicitEnd(Context ctx, AppStatus signal, TaskFacts task) {
        String state = signal.state();
        boolean complete = isComplete(state);
        Map<String, Object> metadata = signalMetadata(ctx, signal);
        String fallback = complete ? "Task completed" : "Task failed";
        String message = signal.message() == null || signal.message().isBlank() ? fallback : signal.message();
        return ctx.event(complete ? EventType.TASK_COMPLETION : EventType.TASK_FAILURE,
                complete ? EventSeverity.INFO : EventSeverity.WARNING, Rfc3339.toInstant(signal.createdAt()),
                task == null ? null : task.id(), message, metadata, null, Map.of("task_state", state),
                signalId(signal));
    }

    private static EventNotification implicitEnd(Context ctx, AppStatus signal, TaskFacts task) {
        Map<String, Object> metadata = signalMetadata(ctx, signal);
        metadata.put("implicit", true);
        if (signal.message() != null && !signal.message().isBlank()) {
            metadata.put("status_message", signal.message());
        }
        return ctx.event(EventType.TASK_COMPLETION, EventSeverity.INFO, Rfc3339.toInstant(signal.createdAt()),
                task == null ? null : task.id(), "Agent stopped working and waits for input", metadata, null,
                Map.of("task_state", signal.state()), signalId(signal));
    }

    private static Map<String, Object> signalMetadata(Context ctx, AppStatus signal) {
        Map<String, Object> metadata = agentMetadata(ctx);
        metadata.put("state", signal.state());
        metadata.put("reported_state", signal.state());
        put(metadata, signal.uri() == null || signal.uri().isBlank() ? null : "uri", signal.uri());
        boolean fromTask = signal.id().startsWith("task:");
        metadata.put(fromTask ? "source" : "app_status_id", fromTask ? "task_current_state" : signal.id());
        return metadata;
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
        if (agent == null) {
            AppStatus current = task == null ? null : task.currentState();
            return current != null && !ws.isStale(current) ? current : null;
        }
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
        if (key != null && value != null) {
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

    /**
     * The last signal acted on: {@code created_at} in epoch micros and the status id; a null id covers every status
     * of that microsecond (state restored from format 1 knew only the moment).
     */
    private record Watermark(long micros, String id) {

        static final Watermark NONE = new Watermark(Long.MIN_VALUE, null);

        boolean before(AppStatus status) {
            return status.createdAtMicros() > micros
                    || (status.createdAtMicros() == micros && id != null && status.id().compareTo(id) > 0);
        }
    }

    private record TurnOutcome(List<EventNotification> events, Watermark mark, boolean turnOpen) {
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
