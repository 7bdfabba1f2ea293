package io.fleetevents.codersim.fleet;

import io.fleetevents.codersim.fleet.SimWorkspace.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lively fleet: generates the seeded workspaces and, step by step, makes random changes — tasks progressing,
 * agents disconnecting and reconnecting, builds starting, failing and stopping, workspaces created and deleted.
 * Deterministic for a seed: every draw comes from the fleet's {@link Fleet#random}.
 */
public final class RandomActivity {

    private final Fleet fleet;
    private final int targetSize;
    private long stepCount;

    /** Generates {@code size} workspaces into {@code fleet} and keeps its size around that. */
    public RandomActivity(Fleet fleet, int size) {
        this.fleet = fleet;
        this.targetSize = size;
        synchronized (fleet) {
            Instant now = fleet.now();
            for (int i = 0; i < size; i++) {
                generate(now, i);
            }
        }
    }

    // ---------------------------------------------------------------- generation

    private void generate(Instant now, int index) {
        int owners = Math.max(1, targetSize / 5);
        String owner = Names.owner(fleet.random.nextInt(owners));
        Template template = Fleet.TEMPLATES.get(fleet.random.nextInt(10) < 7 ? fleet.random.nextInt(2) : 2);
        SimWorkspace ws = fleet.newWorkspace(owner, fleet.uniqueName(owner), template,
                now.minus(Duration.ofMinutes(30 + fleet.random.nextInt(72 * 60))));
        int roll = fleet.random.nextInt(100);
        if (roll < 80) {
            fleet.startSucceeded(ws, ws.createdAt.plusSeconds(5));
            fleet.connectAll(ws, ws.build.completedAt.plusSeconds(20));
            SimAgent main = ws.mainAgent();
            if (main.appId != null) {
                int s = fleet.random.nextInt(100);
                Instant at = now.minusSeconds(1 + fleet.random.nextInt(600));
                if (s < 50) {
                    fleet.addStatus(ws, main, "working", Names.pick(fleet.random, Names.MESSAGES_WORKING), at);
                } else if (s < 70) {
                    fleet.addStatus(ws, main, "idle", Names.pick(fleet.random, Names.MESSAGES_IDLE), at);
                } else if (s < 90) {
                    fleet.addStatus(ws, main, "working", Names.pick(fleet.random, Names.MESSAGES_WORKING), at.minusSeconds(300));
                    fleet.addStatus(ws, main, "complete", Names.pick(fleet.random, Names.MESSAGES_COMPLETE), at);
                } else if (s < 95) {
                    fleet.addStatus(ws, main, "failure", Names.pick(fleet.random, Names.MESSAGES_FAILURE), at);
                }
            }
            if (roll >= 77) {
                SimAgent agent = ws.mainAgent();
                fleet.disconnect(ws, agent, now.minusSeconds(40 + fleet.random.nextInt(300)));
            }
        } else if (roll < 88) {
            fleet.startSucceeded(ws, ws.createdAt.plusSeconds(5));
            fleet.connectAll(ws, ws.build.completedAt.plusSeconds(20));
            fleet.newBuild(ws, "stop", now.minusSeconds(60 + fleet.random.nextInt(3600)));
            ws.build.jobStatus = "succeeded";
            ws.build.startedAt = ws.build.createdAt.plusSeconds(1);
            ws.build.completedAt = ws.build.createdAt.plusSeconds(20);
            ws.build.updatedAt = ws.build.completedAt;
            fleet.endShutdown(ws, ws.build.completedAt);
        } else if (roll < 91) {
            fleet.newBuild(ws, "start", now.minusSeconds(60 + fleet.random.nextInt(3600)));
            fleet.failBuildJob(ws, Names.pick(fleet.random, Names.BUILD_ERRORS));
        } else if (roll < 95) {
            fleet.startSucceeded(ws, now.minusSeconds(30));
            for (SimAgent agent : ws.agents) {
                agent.lifecycle = "created";
            }
        } else if (roll < 97) {
            fleet.startSucceeded(ws, now.minusSeconds(600));
            for (SimAgent agent : ws.agents) {
                agent.timedOut = true;
            }
        } else {
            fleet.newBuild(ws, "start", now.minusSeconds(5));
            ws.build.jobStatus = "pending";
            ws.build.queuePosition = 1 + fleet.random.nextInt(3);
            ws.build.queueSize = ws.build.queuePosition + fleet.random.nextInt(3);
        }
        fleet.workspaces.put(ws.id, ws);
    }

    /**
     * Advances the fleet by {@code steps} ticks of fleet.random activity, each making about {@code changesPerStep} changes:
     * tasks progressing, agents disconnecting and reconnecting, builds starting, failing and stopping, fleet.workspaces
     * created and deleted. Utilisation follows a slow wave so capacity rises and falls.
     */
    public void step(int steps, int changesPerStep) {
        synchronized (fleet) {
            for (int s = 0; s < steps; s++) {
                stepCount++;
                Instant now = fleet.now();
                for (SimWorkspace ws : new ArrayList<>(fleet.workspaces.values())) {
                    if (ws.advanceAtStep >= 0 && ws.advanceAtStep <= stepCount) {
                        advance(ws, now);
                    }
                }
                List<SimWorkspace> all = new ArrayList<>(fleet.workspaces.values());
                for (int c = 0; c < changesPerStep && !all.isEmpty(); c++) {
                    randomChange(all.get(fleet.random.nextInt(all.size())), now);
                }
                if (fleet.workspaces.size() < targetSize && fleet.random.nextInt(4) == 0) {
                    generate(now, fleet.workspaces.size());
                }
            }
        }
    }

    /** The number of steps taken so far. */
    public long steps() {
        synchronized (fleet) {
            return stepCount;
        }
    }

    private double workingBias() {
        return 0.5 + 0.4 * Math.sin(stepCount / 300.0 * Math.PI);
    }

    private void randomChange(SimWorkspace ws, Instant now) {
        if (ws.advanceAtStep >= 0) {
            return;
        }
        String status = ws.build.status();
        int roll = fleet.random.nextInt(1000);
        if ("running".equals(status)) {
            SimAgent main = ws.mainAgent();
            if (main == null) {
                return;
            }
            if (roll < 20) {
                beginBuild(ws, "stop", now);
            } else if (roll < 25) {
                beginBuild(ws, "delete", now);
            } else if (main.pingsStopped) {
                return;
            } else if (!"connected".equals(main.status(now))) {
                fleet.connect(main, now);
                main.lifecycle = "ready";
                for (SimAgent sub : ws.agents) {
                    if (sub.subAgent()) {
                        fleet.connect(sub, now);
                        sub.lifecycle = "ready";
                    }
                }
            } else if (roll < 45) {
                fleet.disconnect(ws, main, now);
            } else if (roll < 50) {
                main.lifecycle = fleet.random.nextBoolean() ? "start_error" : "start_timeout";
                fleet.version++;
            } else if (main.appId != null) {
                SimStatus latest = main.latestStatus();
                String state = latest == null ? "idle" : latest.state();
                if ("working".equals(state)) {
                    int r = fleet.random.nextInt(100);
                    if (r < 60) {
                        fleet.endTurn(ws, main, "complete", Names.pick(fleet.random, Names.MESSAGES_COMPLETE), now);
                    } else if (r < 75) {
                        fleet.endTurn(ws, main, "failure", Names.pick(fleet.random, Names.MESSAGES_FAILURE), now);
                    } else if (r < 90) {
                        fleet.addStatus(ws, main, "idle", Names.pick(fleet.random, Names.MESSAGES_IDLE), now);
                    } else {
                        fleet.addStatus(ws, main, "working", Names.pick(fleet.random, Names.MESSAGES_WORKING), now);
                    }
                } else if (fleet.random.nextDouble() < workingBias()) {
                    fleet.addStatus(ws, main, "working", Names.pick(fleet.random, Names.MESSAGES_WORKING), now);
                }
            }
        } else if ("stopped".equals(status) || "failed".equals(status) || "canceled".equals(status)) {
            if (roll < 600) {
                beginBuild(ws, "start", now);
            } else if (roll < 700) {
                beginBuild(ws, "delete", now);
            }
        }
    }

    private void beginBuild(SimWorkspace ws, String transition, Instant now) {
        fleet.newBuild(ws, transition, now);
        if ("start".equals(transition) && fleet.random.nextInt(8) == 0) {
            ws.build.jobStatus = "pending";
            ws.build.queuePosition = 1;
            ws.build.queueSize = 1 + fleet.random.nextInt(3);
        }
        ws.failNextAdvance = "start".equals(transition) && fleet.random.nextInt(10) == 0;
        ws.advanceAtStep = stepCount + 1 + fleet.random.nextInt(3);
    }

    /** Moves an in-flight build one phase on: pending → running → succeeded/failed → agents connect → ready. */
    private void advance(SimWorkspace ws, Instant now) {
        SimBuild b = ws.build;
        ws.advanceAtStep = stepCount + 1 + fleet.random.nextInt(3);
        if ("pending".equals(b.jobStatus)) {
            b.jobStatus = "running";
            b.queuePosition = 0;
            b.queueSize = 0;
            b.startedAt = now;
            b.updatedAt = now;
            fleet.beginShutdown(ws);
            fleet.version++;
            return;
        }
        if ("running".equals(b.jobStatus)) {
            fleet.endShutdown(ws, now);
            if ("delete".equals(b.transition)) {
                b.jobStatus = "succeeded";
                b.completedAt = now;
                b.updatedAt = now;
                fleet.markDeleted(ws);
                return;
            }
            if (ws.failNextAdvance) {
                fleet.failBuildJob(ws, Names.pick(fleet.random, Names.BUILD_ERRORS));
                ws.advanceAtStep = -1;
                return;
            }
            b.jobStatus = "succeeded";
            b.completedAt = now;
            b.updatedAt = now;
            if ("start".equals(b.transition)) {
                fleet.createAgents(ws, now);
            } else {
                ws.advanceAtStep = -1;
            }
            fleet.version++;
            return;
        }
        if (b.hasAgents()) {
            SimAgent main = ws.mainAgent();
            if (main != null && main.firstConnectedAt == null && !main.timedOut) {
                if (fleet.random.nextInt(20) == 0) {
                    main.timedOut = true;
                    fleet.version++;
                    ws.advanceAtStep = -1;
                } else {
                    for (SimAgent agent : ws.agents) {
                        fleet.connect(agent, now);
                    }
                }
                return;
            }
            for (SimAgent agent : ws.agents) {
                agent.lifecycle = "ready";
                agent.readyAt = agent.readyAt == null ? now : agent.readyAt;
            }
            fleet.version++;
        }
        ws.advanceAtStep = -1;
    }

    /**
     * Changes exactly {@code agents} distinct connected agents that have an AI app (a new app status each), for
     * benchmarks that need a known share of changed agents. Returns the paths of the changed agents.
     */
    public List<String> churn(int agents) {
        synchronized (fleet) {
            List<String> changed = new ArrayList<>();
            Instant now = fleet.now();
            List<SimWorkspace> all = new ArrayList<>(fleet.workspaces.values());
            int start = all.isEmpty() ? 0 : fleet.random.nextInt(all.size());
            for (int i = 0; i < all.size() && changed.size() < agents; i++) {
                SimWorkspace ws = all.get((start + i) % all.size());
                SimAgent main = ws.mainAgent();
                if (main != null && main.appId != null && "connected".equals(main.status(now))) {
                    SimStatus latest = main.latestStatus();
                    boolean working = latest != null && "working".equals(latest.state());
                    fleet.addStatus(ws, main, working ? "complete" : "working",
                            Names.pick(fleet.random, working ? Names.MESSAGES_COMPLETE : Names.MESSAGES_WORKING), now);
                    changed.add(ws.path() + "." + main.name);
                }
            }
            return changed;
        }
    }
}
