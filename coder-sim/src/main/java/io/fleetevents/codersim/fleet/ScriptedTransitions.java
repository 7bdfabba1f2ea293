package io.fleetevents.codersim.fleet;

import io.fleetevents.codersim.fleet.SimWorkspace.SimTask;
import io.fleetevents.codersim.fleet.SimWorkspace.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;

/**
 * Exact transitions a test or a person asks for, by path ({@code owner/workspace} and {@code owner/workspace.agent}):
 * each one leaves the fleet in a named state at once. Unknown paths throw {@link java.util.NoSuchElementException},
 * bad arguments {@link IllegalArgumentException}, both naming what was wrong.
 */
public final class ScriptedTransitions {

    private final Fleet fleet;

    public ScriptedTransitions(Fleet fleet) {
        this.fleet = fleet;
    }

    private static final Set<String> LIFECYCLES = Set.of("created", "starting", "start_timeout", "start_error", "ready",
            "shutting_down", "shutdown_timeout", "shutdown_error", "off");
    private static final Set<String> SHUTDOWN_OUTCOMES = Set.of("off", "shutdown_error", "shutdown_timeout");

    // ---------------------------------------------------------------- agents

    /** The agent (re)connects and becomes ready. A previous close's {@code disconnected_at} stays until the first ping. */
    public void connectAgent(String agentPath) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(agentPath);
            fleet.connect(l.agent(), now);
            l.agent().lifecycle = "ready";
            l.agent().readyAt = l.agent().readyAt == null ? now : l.agent().readyAt;
        }
    }

    /** The agent's connection closes (its workspace stays running): {@code disconnected_at} is written at once. */
    public void disconnectAgent(String agentPath) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(agentPath);
            fleet.disconnect(l.workspace(), l.agent(), now);
        }
    }

    /**
     * The agent dies for real without closing its connection: it reads {@code connected} until 30 s after its last
     * ping, then {@code disconnected} with {@code disconnected_at} back-filled, until {@link #connectAgent}.
     */
    public void killAgent(String agentPath) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(agentPath);
            fleet.kill(l.workspace(), l.agent(), now);
        }
    }

    /** The agent never connected within its connection timeout. */
    public void timeoutAgent(String agentPath) {
        synchronized (fleet) {
            fleet.now();
            SimAgent agent = fleet.agent(agentPath).agent();
            agent.timedOut = true;
            agent.firstConnectedAt = null;
            agent.lastConnectedAt = null;
            agent.disconnectedAt = null;
            agent.connectedSince = null;
            agent.pingsStopped = false;
            fleet.version++;
        }
    }

    /**
     * Sets the agent's reported lifecycle state ({@code created … off}, as Coder accepts any order). {@code ready_at}
     * is set by the first {@code ready}, {@code start_timeout} or {@code start_error} and kept.
     */
    public void setLifecycle(String agentPath, String lifecycle) {
        synchronized (fleet) {
            if (!LIFECYCLES.contains(lifecycle)) {
                throw new IllegalArgumentException("lifecycle must be one of " + LIFECYCLES + ", was '" + lifecycle + "'");
            }
            Instant now = fleet.now();
            SimAgent agent = fleet.agent(agentPath).agent();
            agent.lifecycle = lifecycle;
            if (Set.of("ready", "start_timeout", "start_error").contains(lifecycle) && agent.readyAt == null) {
                agent.readyAt = now;
            }
            fleet.version++;
        }
    }

    /** The agent's AI app writes exactly this status: {@code working | idle | complete | failure}. */
    public void reportAppStatus(String agentPath, String state, String message) {
        synchronized (fleet) {
            Set<String> allowed = Set.of("working", "idle", "complete", "failure");
            if (!allowed.contains(state)) {
                throw new IllegalArgumentException("state must be one of " + allowed + ", was '" + state + "'");
            }
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(agentPath);
            fleet.addStatus(l.workspace(), l.agent(), state, message == null ? "" : message, now);
        }
    }

    /**
     * The agent's task turn ends as the configured Coder version shows it: {@code complete} then AgentAPI's
     * {@code idle} after the configured delay, or (before 2.31) only {@code idle}. {@code state} is {@code complete}
     * or {@code failure}.
     */
    public void endTurn(String agentPath, String state, String message) {
        synchronized (fleet) {
            if (!"complete".equals(state) && !"failure".equals(state)) {
                throw new IllegalArgumentException("state must be complete or failure, was '" + state + "'");
            }
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(agentPath);
            fleet.endTurn(l.workspace(), l.agent(), state, message == null ? "" : message, now);
        }
    }

    /** Sets the health of the agent's AI app: {@code disabled | initializing | healthy | unhealthy}. */
    public void setAppHealth(String agentPath, String health) {
        synchronized (fleet) {
            fleet.now();
            fleet.agent(agentPath).agent().appHealth = health;
            fleet.version++;
        }
    }

    /**
     * Recreates a dev container: its sub-agent is deleted now (gone from the list and by UUID) and a new one with the
     * same name, a new UUID and the same parent is inserted {@code gap} later, connected and ready.
     *
     * @return the new sub-agent's UUID
     */
    public UUID recreateDevcontainer(String subAgentPath, Duration gap) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Fleet.Located l = fleet.agent(subAgentPath);
            SimWorkspace ws = l.workspace();
            SimAgent old = l.agent();
            if (!old.subAgent()) {
                throw new IllegalArgumentException("agent " + subAgentPath + " is not a dev-container sub-agent");
            }
            SimAgent parent = ws.agent(old.parentName);
            ws.agents.remove(old);
            fleet.version++;
            SimAgent fresh = fleet.newSubAgent(parent, now.plus(gap));
            Runnable insert = () -> {
                Instant at = fresh.createdAt;
                if (ws.agents.contains(parent)) {
                    ws.agents.add(fresh);
                    fleet.connect(fresh, at);
                    fresh.lifecycle = "ready";
                    fresh.startedAt = at;
                    fresh.readyAt = at;
                    fleet.version++;
                }
            };
            if (gap.isZero()) {
                insert.run();
            } else {
                fleet.defer(now.plus(gap), due -> insert.run());
            }
            return fresh.id;
        }
    }

    /**
     * A rolling restart of coderd: every connected agent's connection closes at a random moment within
     * {@code spread} and reconnects after a random {@code minDown..maxDown}; each close writes {@code disconnected_at},
     * kept until the first ping after the reconnect. Deterministic for the fleet's seed.
     *
     * @return how many agents were disconnected
     */
    public int coderdRestart(Duration spread, Duration minDown, Duration maxDown) {
        if (minDown.isNegative() || maxDown.compareTo(minDown) < 0 || spread.isNegative()) {
            throw new IllegalArgumentException("coderd restart needs 0 <= min_down <= max_down and spread >= 0, was "
                    + minDown + ", " + maxDown + ", " + spread);
        }
        synchronized (fleet) {
            Instant now = fleet.now();
            int count = 0;
            for (SimWorkspace ws : fleet.sorted()) {
                for (SimAgent agent : ws.agents) {
                    if (!agent.connectionOpen()) {
                        continue;
                    }
                    Instant close = now.plusMillis(spread.isZero() ? 0 : fleet.random.nextLong(spread.toMillis() + 1));
                    long downMillis = minDown.toMillis()
                            + fleet.random.nextLong(maxDown.toMillis() - minDown.toMillis() + 1);
                    fleet.defer(close, due -> fleet.closeConnection(agent, due));
                    fleet.defer(close.plusMillis(downMillis), due -> {
                        if (ws.agents.contains(agent) && !agent.pingsStopped) {
                            fleet.connect(agent, due);
                        }
                    });
                    count++;
                }
            }
            fleet.now();
            return count;
        }
    }

    // ---------------------------------------------------------------- builds

    /** A new start build of the workspace fails: the workspace has no agent afterwards. */
    public void failBuild(String workspacePath, String error) {
        synchronized (fleet) {
            Instant now = fleet.now();
            SimWorkspace ws = fleet.workspace(workspacePath);
            fleet.newBuild(ws, "start", now);
            fleet.endShutdown(ws, now);
            fleet.failBuildJob(ws, error == null || error.isBlank() ? Names.BUILD_ERRORS.get(0) : error);
            ws.build.completedAt = now;
            ws.build.updatedAt = now;
            ws.advanceAtStep = -1;
        }
    }

    /**
     * Queues a build whose job runs until {@link #finishBuild}: the previous build's agents leave the list at once and
     * those that were running report {@code shutting_down}, answered by UUID.
     *
     * @param transition       {@code start | stop | delete}
     * @param shutdownOutcome  the old agents' last lifecycle when the job ends: {@code off}, {@code shutdown_error} or
     *                         {@code shutdown_timeout}
     */
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome) {
        beginBuild(workspacePath, transition, shutdownOutcome, false);
    }

    /**
     * As {@link #beginBuild(String, String, String)}; when {@code queued}, the job waits in the provisioner queue
     * ({@code pending}, queue position 1, no provisioner available) and the old agents keep running until
     * {@link #finishBuild}.
     */
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome, boolean queued) {
        if (!Set.of("start", "stop", "delete").contains(transition)) {
            throw new IllegalArgumentException("transition must be start, stop or delete, was '" + transition + "'");
        }
        if (!SHUTDOWN_OUTCOMES.contains(shutdownOutcome)) {
            throw new IllegalArgumentException("shutdown must be one of " + SHUTDOWN_OUTCOMES + ", was '"
                    + shutdownOutcome + "'");
        }
        synchronized (fleet) {
            Instant now = fleet.now();
            SimWorkspace ws = fleet.workspace(workspacePath);
            boolean hadSubAgent = ws.agents.stream().anyMatch(SimAgent::subAgent);
            fleet.newBuild(ws, transition, now, queued);
            ws.scriptedSubAgent = ws.scriptedSubAgent || hadSubAgent;
            ws.shutdownOutcome = shutdownOutcome;
            ws.advanceAtStep = -1;
        }
    }

    /**
     * The running build's job ends. {@code succeeded}: the old agents report their shutdown outcome and disconnect; a
     * start build gets new agents (new UUIDs), connected and ready when {@code connect}, else still connecting; a delete
     * build removes the workspace from the list. {@code failed}: the build fails with {@code error}.
     */
    public void finishBuild(String workspacePath, boolean succeeded, String error, boolean connect) {
        synchronized (fleet) {
            Instant now = fleet.now();
            SimWorkspace ws = fleet.workspace(workspacePath);
            SimBuild b = ws.build;
            if (!"running".equals(b.jobStatus) && !"pending".equals(b.jobStatus)) {
                throw new IllegalArgumentException("workspace " + workspacePath + " has no build in progress (its build is "
                        + b.status() + ")");
            }
            if (b.startedAt == null) {
                b.startedAt = now;
            }
            fleet.endShutdown(ws, now);
            if (!succeeded) {
                fleet.failBuildJob(ws, error == null || error.isBlank() ? Names.BUILD_ERRORS.get(0) : error);
                b.completedAt = now;
                b.updatedAt = now;
                return;
            }
            b.jobStatus = "succeeded";
            b.queuePosition = 0;
            b.queueSize = 0;
            b.completedAt = now;
            b.updatedAt = now;
            fleet.version++;
            if ("delete".equals(b.transition)) {
                fleet.markDeleted(ws);
            } else if ("start".equals(b.transition)) {
                fleet.createAgents(ws, now, ws.scriptedSubAgent);
                if (connect) {
                    fleet.connectAll(ws, now);
                }
            }
        }
    }

    /** A completed stop build: the agents leave the list (by UUID: {@code off}); only the volume resource remains. */
    public void stopWorkspace(String workspacePath) {
        beginBuild(workspacePath, "stop", "off");
        finishBuild(workspacePath, true, null, false);
    }

    /** A completed start build: new agent UUIDs, connected and ready. */
    public void startWorkspace(String workspacePath) {
        beginBuild(workspacePath, "start", "off");
        finishBuild(workspacePath, true, null, true);
    }

    /** Coder's restart: a completed stop build, then a completed start build. */
    public void restartWorkspace(String workspacePath) {
        stopWorkspace(workspacePath);
        startWorkspace(workspacePath);
    }

    /** A completed delete build: the workspace leaves the list; by id only with {@code include_deleted=true}. */
    public void deleteWorkspace(String workspacePath) {
        beginBuild(workspacePath, "delete", "off");
        finishBuild(workspacePath, true, null, false);
    }

    // ---------------------------------------------------------------- prebuilds

    /**
     * Creates {@code count} running prebuilt workspaces of a template, owned by the prebuilds system user, each with a
     * ready agent. Returns their paths ({@code prebuilds/<name>}).
     */
    public List<String> createPrebuilds(String templateName, int count) {
        if (count < 1 || count > 1000) {
            throw new IllegalArgumentException("count must be 1..1000, was " + count);
        }
        List<String> paths = new ArrayList<>();
        synchronized (fleet) {
            Template template = template(templateName);
            Instant now = fleet.now();
            for (int i = 0; i < count; i++) {
                String name = "prebuild-" + Long.toString(fleet.random.nextLong() >>> 1, 36).substring(0, 6);
                SimWorkspace ws = fleet.newWorkspace(Fleet.PREBUILDS_USER, name, template, now.minusSeconds(60));
                ws.task = null;
                ws.prebuild = true;
                fleet.newBuild(ws, "start", now.minusSeconds(55));
                ws.build.reason = "initiator";
                ws.build.jobStatus = "succeeded";
                ws.build.completedAt = now.minusSeconds(15);
                ws.build.updatedAt = ws.build.completedAt;
                fleet.createAgents(ws, now.minusSeconds(15), false);
                fleet.connectAll(ws, now.minusSeconds(1));
                fleet.workspaces.put(ws.id, ws);
                fleet.version++;
                paths.add(ws.path());
            }
        }
        return paths;
    }

    /**
     * A user claims the oldest unclaimed prebuilt workspace of a template, as Coder does on a create with a matching
     * preset: owner and name change, the workspace id stays, and a new start build (initiated by the new owner) runs.
     * That build has its own agent rows, so the agents get new UUIDs; the running agent re-initialises and connects as
     * the new agent. Returns the new path.
     */
    public String claimPrebuild(String templateName, String owner, String name, boolean withTask) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Template template = template(templateName);
            requireFree(owner, name);
            SimWorkspace ws = fleet.workspaces.values().stream()
                    .filter(w -> w.prebuild && w.template.equals(template) && "running".equals(w.build.status()))
                    .findFirst()
                    .orElseThrow(() -> new NoSuchElementException("no unclaimed prebuilt workspace of template "
                            + templateName));
            ws.prebuild = false;
            ws.ownerName = owner;
            ws.ownerId = fleet.ownerId(owner);
            ws.name = name;
            if (withTask && template.appSlug() != null) {
                ws.task = new SimTask(Names.uuid(fleet.random), name, Fleet.capitalise(name.replace('-', ' ')),
                        "Please " + name.replace('-', ' '), now);
            }
            fleet.newBuild(ws, "start", now);
            fleet.endShutdown(ws, now);
            ws.build.jobStatus = "succeeded";
            ws.build.completedAt = now;
            ws.build.updatedAt = now;
            fleet.createAgents(ws, now, false);
            fleet.connectAll(ws, now);
            return ws.path();
        }
    }

    private static Template template(String templateName) {
        return Fleet.TEMPLATES.stream().filter(t -> t.name().equals(templateName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template must be one of "
                        + Fleet.TEMPLATES.stream().map(Template::name).toList() + ", was '" + templateName + "'"));
    }

    private void requireFree(String owner, String name) {
        for (SimWorkspace existing : fleet.workspaces.values()) {
            if (existing.ownerName.equals(owner) && existing.name.equals(name)) {
                throw new IllegalArgumentException("workspace " + owner + "/" + name + " already exists");
            }
        }
    }

    /**
     * Creates a running workspace with a connected, ready agent {@code main} (and a {@code devcontainer} sub-agent
     * when asked), optionally with a Task. Returns its path.
     */
    public String createWorkspace(String owner, String name, String templateName, boolean subAgent,
                                               boolean withTask) {
        synchronized (fleet) {
            Template template = template(templateName);
            requireFree(owner, name);
            Instant now = fleet.now();
            SimWorkspace ws = fleet.newWorkspace(owner, name, template, now.minusSeconds(60));
            if (!withTask) {
                ws.task = null;
            } else if (ws.task == null) {
                ws.task = new SimTask(Names.uuid(fleet.random), name, fleet.capitalise(name.replace('-', ' ')), "Please " + name,
                        ws.createdAt.minusMillis(400));
            }
            ws.scriptedSubAgent = subAgent;
            fleet.newBuild(ws, "start", now.minusSeconds(55));
            ws.build.jobStatus = "succeeded";
            ws.build.completedAt = now.minusSeconds(15);
            ws.build.updatedAt = ws.build.completedAt;
            SimAgent main = new SimAgent("main", null);
            main.id = Names.uuid(fleet.ids);
            main.resourceId = ws.build.resourceId;
            main.createdAt = now.minusSeconds(15);
            if (template.appSlug() != null) {
                main.appId = Names.uuid(fleet.ids);
                main.appSlug = template.appSlug();
            }
            ws.agents.add(main);
            if (subAgent) {
                SimAgent sub = new SimAgent("devcontainer", "main");
                sub.id = Names.uuid(fleet.ids);
                sub.parentId = main.id;
                sub.resourceId = main.resourceId;
                sub.createdAt = now.minusSeconds(10);
                ws.agents.add(sub);
            }
            fleet.connectAll(ws, now.minusSeconds(1));
            fleet.workspaces.put(ws.id, ws);
            fleet.version++;
            return ws.path();
        }
    }
}
