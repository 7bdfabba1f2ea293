package io.fleetevents.codersim.fleet;

import io.fleetevents.codersim.fleet.SimWorkspace.SimTask;
import io.fleetevents.codersim.fleet.SimWorkspace.Template;
import java.time.Instant;
import java.util.Set;

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

    /** The agent (re)connects and becomes ready. */
    public void connectAgent(String agentPath) {
        synchronized (fleet) {
            Fleet.Located l = fleet.agent(agentPath);
            Instant now = fleet.now();
            fleet.connect(l.agent(), now);
            l.agent().lifecycle = "ready";
            l.agent().readyAt = l.agent().readyAt == null ? now : l.agent().readyAt;
        }
    }

    /** The agent loses its connection unexpectedly (its workspace stays running). */
    public void disconnectAgent(String agentPath) {
        synchronized (fleet) {
            Fleet.Located l = fleet.agent(agentPath);
            fleet.disconnect(l.workspace(), l.agent(), fleet.now());
        }
    }

    /** The agent never connected within its connection timeout. */
    public void timeoutAgent(String agentPath) {
        synchronized (fleet) {
            Fleet.Located l = fleet.agent(agentPath);
            l.agent().status = "timeout";
            l.agent().firstConnectedAt = null;
            l.agent().lastConnectedAt = null;
            l.agent().disconnectedAt = null;
            l.agent().connectedSince = null;
            fleet.version++;
        }
    }

    /** Sets the agent's reported lifecycle state ({@code created … off}, as Coder accepts any order). */
    public void setLifecycle(String agentPath, String lifecycle) {
        synchronized (fleet) {
            Set<String> allowed = Set.of("created", "starting", "start_timeout", "start_error", "ready", "shutting_down",
                    "shutdown_timeout", "shutdown_error", "off");
            if (!allowed.contains(lifecycle)) {
                throw new IllegalArgumentException("lifecycle must be one of " + allowed + ", was '" + lifecycle + "'");
            }
            Fleet.Located l = fleet.agent(agentPath);
            l.agent().lifecycle = lifecycle;
            if ("ready".equals(lifecycle) && l.agent().readyAt == null) {
                l.agent().readyAt = fleet.now();
            }
            fleet.version++;
        }
    }

    /** The agent's AI app reports a status: {@code working | idle | complete | failure}. */
    public void reportAppStatus(String agentPath, String state, String message) {
        synchronized (fleet) {
            Set<String> allowed = Set.of("working", "idle", "complete", "failure");
            if (!allowed.contains(state)) {
                throw new IllegalArgumentException("state must be one of " + allowed + ", was '" + state + "'");
            }
            Fleet.Located l = fleet.agent(agentPath);
            fleet.addStatus(l.workspace(), l.agent(), state, message == null ? "" : message, fleet.now());
        }
    }

    /** Sets the health of the agent's AI app: {@code disabled | initializing | healthy | unhealthy}. */
    public void setAppHealth(String agentPath, String health) {
        synchronized (fleet) {
            Fleet.Located l = fleet.agent(agentPath);
            l.agent().appHealth = health;
            fleet.version++;
        }
    }

    /** A new start build of the workspace fails: the workspace has no agent afterwards. */
    public void failBuild(String workspacePath, String error) {
        synchronized (fleet) {
            SimWorkspace ws = fleet.workspace(workspacePath);
            fleet.newBuild(ws, "start", fleet.now());
            fleet.failBuildJob(ws, error == null || error.isBlank() ? Names.BUILD_ERRORS.get(0) : error);
            ws.advanceAtStep = -1;
        }
    }

    /** The workspace stops (a completed stop build): its agents are gone, only the volume resource remains. */
    public void stopWorkspace(String workspacePath) {
        synchronized (fleet) {
            SimWorkspace ws = fleet.workspace(workspacePath);
            fleet.newBuild(ws, "stop", fleet.now());
            ws.build.jobStatus = "succeeded";
            ws.build.completedAt = ws.build.createdAt.plusSeconds(1);
            ws.advanceAtStep = -1;
        }
    }

    /** The workspace starts (a completed start build): new agent fleet.ids, connected and ready. */
    public void startWorkspace(String workspacePath) {
        synchronized (fleet) {
            SimWorkspace ws = fleet.workspace(workspacePath);
            Instant now = fleet.now();
            fleet.startSucceeded(ws, now.minusSeconds(41));
            fleet.connectAll(ws, now);
            ws.advanceAtStep = -1;
        }
    }

    /** The workspace is deleted: it disappears from the list, as Coder never lists deleted fleet.workspaces. */
    public void deleteWorkspace(String workspacePath) {
        synchronized (fleet) {
            SimWorkspace ws = fleet.workspace(workspacePath);
            fleet.workspaces.remove(ws.id);
            fleet.version++;
        }
    }

    /**
     * Creates a running workspace with a connected, ready agent {@code main} (and a {@code devcontainer} sub-agent
     * when asked), optionally with a Task. Returns its path.
     */
    public String createWorkspace(String owner, String name, String templateName, boolean subAgent,
                                               boolean withTask) {
        synchronized (fleet) {
            Template template = Fleet.TEMPLATES.stream().filter(t -> t.name().equals(templateName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("template must be one of "
                            + Fleet.TEMPLATES.stream().map(Template::name).toList() + ", was '" + templateName + "'"));
            for (SimWorkspace existing : fleet.workspaces.values()) {
                if (existing.ownerName.equals(owner) && existing.name.equals(name)) {
                    throw new IllegalArgumentException("workspace " + owner + "/" + name + " already exists");
                }
            }
            Instant now = fleet.now();
            SimWorkspace ws = fleet.newWorkspace(owner, name, template, now.minusSeconds(60));
            if (!withTask) {
                ws.task = null;
            } else if (ws.task == null) {
                ws.task = new SimTask(Names.uuid(fleet.random), name, fleet.capitalise(name.replace('-', ' ')), "Please " + name,
                        ws.createdAt.minusMillis(400));
            }
            fleet.newBuild(ws, "start", now.minusSeconds(55));
            ws.build.jobStatus = "succeeded";
            ws.build.completedAt = now.minusSeconds(15);
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
