package io.fleetevents.codersim.fleet;

import io.fleetevents.codersim.fleet.SimWorkspace.SimTask;
import io.fleetevents.codersim.fleet.SimWorkspace.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * The simulated fleet. Seeded and deterministic: the same seed, size and sequence of {@link #step steps} and scripted
 * operations give the same fleet (ids, names, states); only timestamps follow the clock. Thread-safe: every method
 * holds the fleet's monitor, and listing renders one workspace at a time under it so that a slow HTTP client never
 * blocks the fleet's activity.
 */
public final class Fleet {

    /** How many statuses of an app's history are kept (Coder keeps all; a bound keeps long demos from growing). */
    static final int STATUS_HISTORY = 20;
    /** Coder's agent heartbeat: {@code last_connected_at} and {@code updated_at} move every 15 s. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private static final List<Template> TEMPLATES = List.of(
            new Template("claude-code", "Claude Code", "/icon/claude.svg",
                    UUID.fromString("5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b"),
                    UUID.fromString("7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"), "v12", "claude-code", "Claude Code"),
            new Template("goose", "Goose", "/icon/goose.svg",
                    UUID.fromString("6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c"),
                    UUID.fromString("8b7c6d5e-4f3a-4b2c-9d0e-1f2a3b4c5d6e"), "v4", "goose", "Goose"),
            new Template("devbox", "Dev box", "/icon/code.svg",
                    UUID.fromString("7a6f5e4d-3c2b-4a1f-8e9d-0c1b2a3f4e5d"),
                    UUID.fromString("9c8d7e6f-5a4b-4c3d-8e1f-2a3b4c5d6e7f"), "v31", null, null));
    private static final UUID ORG_CODER = UUID.fromString("0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f");
    private static final UUID ORG_RESEARCH = UUID.fromString("1d0e9f8a-7b6c-4d5e-8f2a-1b0c9d8e7f6a");

    /** Draws everything about the fleet's shape and story: owners, workspaces, Tasks, what happens when. */
    private final Random random;
    /**
     * Draws the UUIDs of what a build creates (builds, jobs, resources, agents, apps, app statuses). Separate from
     * {@link #random} so that a restarted simulator can serve the same workspaces without reissuing the UUIDs of its
     * previous run: Coder never reuses one, and the pipeline derives event ids from them.
     */
    private final Random ids;
    private final Clock clock;
    private final double subAgentRatio;
    private final int targetSize;
    private final Map<UUID, SimWorkspace> workspaces = new LinkedHashMap<>();
    private final Map<String, UUID> ownerIds = new TreeMap<>();
    private final JsonFactory json = new JsonFactory();
    private long stepCount;
    private long version;
    private List<SimWorkspace> sortedCache;
    private long sortedVersion = -1;
    private int nameCounter;

    /**
     * Generates a fleet.
     *
     * @param seed          the random seed: the same seed gives the same workspaces and the same story
     * @param idSeed        the seed of the UUIDs builds create (builds, agents, apps, app statuses); the same
     *                      {@code seed} and {@code idSeed} give a fleet identical byte for byte
     * @param size          how many workspaces
     * @param subAgentRatio the share of running workspaces that also run a dev-container sub-agent
     * @param clock         the clock timestamps follow
     */
    public Fleet(long seed, long idSeed, int size, double subAgentRatio, Clock clock) {
        this.random = new Random(seed);
        this.ids = new Random(idSeed);
        this.clock = clock;
        this.subAgentRatio = subAgentRatio;
        this.targetSize = size;
        Instant now = now();
        for (int i = 0; i < size; i++) {
            generate(now, i);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---------------------------------------------------------------- generation

    private void generate(Instant now, int index) {
        int owners = Math.max(1, targetSize / 5);
        String owner = Names.owner(random.nextInt(owners));
        Template template = TEMPLATES.get(random.nextInt(10) < 7 ? random.nextInt(2) : 2);
        SimWorkspace ws = newWorkspace(owner, uniqueName(owner), template,
                now.minus(Duration.ofMinutes(30 + random.nextInt(72 * 60))));
        int roll = random.nextInt(100);
        if (roll < 80) {
            startSucceeded(ws, ws.createdAt.plusSeconds(5));
            connectAll(ws, ws.build.completedAt.plusSeconds(20));
            SimAgent main = ws.mainAgent();
            if (main.appId != null) {
                int s = random.nextInt(100);
                Instant at = now.minusSeconds(1 + random.nextInt(600));
                if (s < 50) {
                    addStatus(ws, main, "working", Names.pick(random, Names.MESSAGES_WORKING), at);
                } else if (s < 70) {
                    addStatus(ws, main, "idle", Names.pick(random, Names.MESSAGES_IDLE), at);
                } else if (s < 90) {
                    addStatus(ws, main, "working", Names.pick(random, Names.MESSAGES_WORKING), at.minusSeconds(300));
                    addStatus(ws, main, "complete", Names.pick(random, Names.MESSAGES_COMPLETE), at);
                } else if (s < 95) {
                    addStatus(ws, main, "failure", Names.pick(random, Names.MESSAGES_FAILURE), at);
                }
            }
            if (roll >= 77) {
                SimAgent agent = ws.mainAgent();
                disconnect(ws, agent, now.minusSeconds(40 + random.nextInt(300)));
            }
        } else if (roll < 88) {
            startSucceeded(ws, ws.createdAt.plusSeconds(5));
            connectAll(ws, ws.build.completedAt.plusSeconds(20));
            newBuild(ws, "stop", now.minusSeconds(60 + random.nextInt(3600)));
            ws.build.jobStatus = "succeeded";
            ws.build.startedAt = ws.build.createdAt.plusSeconds(1);
            ws.build.completedAt = ws.build.createdAt.plusSeconds(20);
            ws.agents.clear();
        } else if (roll < 91) {
            newBuild(ws, "start", now.minusSeconds(60 + random.nextInt(3600)));
            failBuildJob(ws, Names.pick(random, Names.BUILD_ERRORS));
        } else if (roll < 95) {
            startSucceeded(ws, now.minusSeconds(30));
            for (SimAgent agent : ws.agents) {
                agent.lifecycle = "created";
            }
        } else if (roll < 97) {
            startSucceeded(ws, now.minusSeconds(600));
            for (SimAgent agent : ws.agents) {
                agent.status = "timeout";
            }
        } else {
            newBuild(ws, "start", now.minusSeconds(5));
            ws.build.jobStatus = "pending";
            ws.build.queuePosition = 1 + random.nextInt(3);
            ws.build.queueSize = ws.build.queuePosition + random.nextInt(3);
        }
        workspaces.put(ws.id, ws);
    }

    private String uniqueName(String owner) {
        nameCounter++;
        return Names.pick(random, Names.VERBS) + "-" + Names.pick(random, Names.NOUNS) + "-" + nameCounter;
    }

    private SimWorkspace newWorkspace(String owner, String name, Template template, Instant createdAt) {
        UUID ownerId = ownerIds.computeIfAbsent(owner, o -> Names.uuid(random));
        boolean research = (owner.hashCode() & 7) == 0;
        SimWorkspace ws = new SimWorkspace(Names.uuid(random), owner, ownerId, name, template,
                research ? "research" : "coder", research ? ORG_RESEARCH : ORG_CODER, createdAt);
        ws.ttlMs = random.nextBoolean() ? 28_800_000L : null;
        ws.autostartSchedule = random.nextInt(4) == 0 ? "CRON_TZ=UTC 0 9 * * 1-5" : null;
        if (template.appSlug() != null && random.nextInt(10) < 7) {
            ws.task = new SimTask(Names.uuid(random), name, capitalise(name.replace('-', ' ')),
                    "Please " + name.replace('-', ' ') + " and open a PR.", createdAt.minusMillis(400));
        }
        return ws;
    }

    private static String capitalise(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private void newBuild(SimWorkspace ws, String transition, Instant at) {
        SimBuild b = ws.build;
        b.id = Names.uuid(ids);
        b.number = b.number + 1;
        b.transition = transition;
        b.jobId = Names.uuid(ids);
        b.jobStatus = "running";
        b.jobError = null;
        b.jobErrorCode = null;
        b.createdAt = at;
        b.startedAt = at.plusMillis(600);
        b.completedAt = null;
        b.queuePosition = 0;
        b.queueSize = 0;
        if (b.volumeResourceId == null) {
            b.volumeResourceId = Names.uuid(ids);
        }
        b.resourceId = Names.uuid(ids);
        ws.agents.clear();
        version++;
    }

    private void startSucceeded(SimWorkspace ws, Instant at) {
        newBuild(ws, "start", at);
        ws.build.jobStatus = "succeeded";
        ws.build.completedAt = at.plusSeconds(40);
        createAgents(ws, ws.build.completedAt.minusMillis(200));
    }

    private void createAgents(SimWorkspace ws, Instant at) {
        SimAgent main = new SimAgent("main", null);
        main.id = Names.uuid(ids);
        main.resourceId = ws.build.resourceId;
        main.createdAt = at;
        if (ws.template.appSlug() != null) {
            main.appId = Names.uuid(ids);
            main.appSlug = ws.template.appSlug();
        }
        ws.agents.add(main);
        if (random.nextDouble() < subAgentRatio) {
            SimAgent sub = new SimAgent("devcontainer", "main");
            sub.id = Names.uuid(ids);
            sub.parentId = main.id;
            sub.resourceId = main.resourceId;
            sub.createdAt = at.plusSeconds(30);
            ws.agents.add(sub);
        }
    }

    private void connectAll(SimWorkspace ws, Instant at) {
        for (SimAgent agent : ws.agents) {
            connect(agent, at);
            agent.lifecycle = "ready";
            agent.startedAt = agent.startedAt == null ? at.plusMillis(400) : agent.startedAt;
            agent.readyAt = at.plusSeconds(30);
        }
    }

    private void connect(SimAgent agent, Instant at) {
        agent.status = "connected";
        if (agent.firstConnectedAt == null) {
            agent.firstConnectedAt = at;
        }
        agent.connectedSince = at;
        agent.lastConnectedAt = at;
        agent.disconnectedAt = null;
        if ("created".equals(agent.lifecycle)) {
            agent.lifecycle = "starting";
            agent.startedAt = at.plusMillis(300);
        }
        agent.logsLength += 512;
        version++;
    }

    private void disconnect(SimWorkspace ws, SimAgent agent, Instant at) {
        Instant last = heartbeat(agent, at);
        agent.lastConnectedAt = last == null ? at : last;
        agent.status = "disconnected";
        agent.disconnectedAt = agent.lastConnectedAt;
        agent.connectedSince = null;
        version++;
        for (SimAgent other : ws.agents) {
            if (agent.name.equals(other.parentName) && "connected".equals(other.status)) {
                disconnect(ws, other, at);
            }
        }
    }

    private void failBuildJob(SimWorkspace ws, String error) {
        ws.build.jobStatus = "failed";
        ws.build.jobError = error;
        ws.build.jobErrorCode = null;
        ws.build.completedAt = ws.build.createdAt.plusSeconds(35);
        ws.agents.clear();
        version++;
    }

    private void addStatus(SimWorkspace ws, SimAgent agent, String state, String message, Instant at) {
        if (agent.appId == null) {
            throw new IllegalArgumentException("agent " + ws.path() + "." + agent.name + " has no AI app to report a status");
        }
        SimStatus status = new SimStatus(Names.uuid(ids), at, ws.id, agent.id, agent.appId, state, message,
                "complete".equals(state) ? "https://github.com/acme/" + ws.template.name() + "/pull/"
                        + (100 + random.nextInt(900)) : "");
        agent.statuses.add(status);
        if (agent.statuses.size() > STATUS_HISTORY) {
            agent.statuses.remove(0);
        }
        if (ws.latestAppStatus == null || !at.isBefore(ws.latestAppStatus.createdAt())) {
            ws.latestAppStatus = status;
        }
        ws.lastUsedAt = at;
        version++;
    }

    /** The agent's current heartbeat time ({@code last_connected_at}), or null if it never connected this session. */
    static Instant heartbeat(SimAgent agent, Instant now) {
        if (agent.connectedSince == null) {
            return agent.lastConnectedAt;
        }
        long beats = Duration.between(agent.connectedSince, now).toMillis() / HEARTBEAT.toMillis();
        return agent.connectedSince.plus(HEARTBEAT.multipliedBy(Math.max(0, beats)));
    }

    // ---------------------------------------------------------------- scripted transitions

    private SimWorkspace workspace(String workspacePath) {
        int slash = workspacePath.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("workspace path must be <owner>/<workspace>, was '" + workspacePath + "'");
        }
        String owner = workspacePath.substring(0, slash);
        String name = workspacePath.substring(slash + 1);
        for (SimWorkspace ws : workspaces.values()) {
            if (ws.ownerName.equals(owner) && ws.name.equals(name)) {
                return ws;
            }
        }
        throw new NoSuchElementException("no workspace " + workspacePath);
    }

    private record Located(SimWorkspace workspace, SimAgent agent) {
    }

    private Located agent(String agentPath) {
        int dot = agentPath.lastIndexOf('.');
        if (dot <= 0 || agentPath.indexOf('/') > dot) {
            throw new IllegalArgumentException("agent path must be <owner>/<workspace>.<agent>, was '" + agentPath + "'");
        }
        SimWorkspace ws = workspace(agentPath.substring(0, dot));
        SimAgent agent = ws.agent(agentPath.substring(dot + 1));
        if (agent == null) {
            throw new NoSuchElementException("no agent " + agentPath + " (the workspace's build is "
                    + ws.build.status() + ")");
        }
        return new Located(ws, agent);
    }

    /** The agent (re)connects and becomes ready. */
    public synchronized void connectAgent(String agentPath) {
        Located l = agent(agentPath);
        Instant now = now();
        connect(l.agent, now);
        l.agent.lifecycle = "ready";
        l.agent.readyAt = l.agent.readyAt == null ? now : l.agent.readyAt;
    }

    /** The agent loses its connection unexpectedly (its workspace stays running). */
    public synchronized void disconnectAgent(String agentPath) {
        Located l = agent(agentPath);
        disconnect(l.workspace, l.agent, now());
    }

    /** The agent never connected within its connection timeout. */
    public synchronized void timeoutAgent(String agentPath) {
        Located l = agent(agentPath);
        l.agent.status = "timeout";
        l.agent.firstConnectedAt = null;
        l.agent.lastConnectedAt = null;
        l.agent.disconnectedAt = null;
        l.agent.connectedSince = null;
        version++;
    }

    /** Sets the agent's reported lifecycle state ({@code created … off}, as Coder accepts any order). */
    public synchronized void setLifecycle(String agentPath, String lifecycle) {
        Set<String> allowed = Set.of("created", "starting", "start_timeout", "start_error", "ready", "shutting_down",
                "shutdown_timeout", "shutdown_error", "off");
        if (!allowed.contains(lifecycle)) {
            throw new IllegalArgumentException("lifecycle must be one of " + allowed + ", was '" + lifecycle + "'");
        }
        Located l = agent(agentPath);
        l.agent.lifecycle = lifecycle;
        if ("ready".equals(lifecycle) && l.agent.readyAt == null) {
            l.agent.readyAt = now();
        }
        version++;
    }

    /** The agent's AI app reports a status: {@code working | idle | complete | failure}. */
    public synchronized void reportAppStatus(String agentPath, String state, String message) {
        Set<String> allowed = Set.of("working", "idle", "complete", "failure");
        if (!allowed.contains(state)) {
            throw new IllegalArgumentException("state must be one of " + allowed + ", was '" + state + "'");
        }
        Located l = agent(agentPath);
        addStatus(l.workspace, l.agent, state, message == null ? "" : message, now());
    }

    /** Sets the health of the agent's AI app: {@code disabled | initializing | healthy | unhealthy}. */
    public synchronized void setAppHealth(String agentPath, String health) {
        Located l = agent(agentPath);
        l.agent.appHealth = health;
        version++;
    }

    /** A new start build of the workspace fails: the workspace has no agent afterwards. */
    public synchronized void failBuild(String workspacePath, String error) {
        SimWorkspace ws = workspace(workspacePath);
        newBuild(ws, "start", now());
        failBuildJob(ws, error == null || error.isBlank() ? Names.BUILD_ERRORS.get(0) : error);
        ws.advanceAtStep = -1;
    }

    /** The workspace stops (a completed stop build): its agents are gone, only the volume resource remains. */
    public synchronized void stopWorkspace(String workspacePath) {
        SimWorkspace ws = workspace(workspacePath);
        newBuild(ws, "stop", now());
        ws.build.jobStatus = "succeeded";
        ws.build.completedAt = ws.build.createdAt.plusSeconds(1);
        ws.advanceAtStep = -1;
    }

    /** The workspace starts (a completed start build): new agent ids, connected and ready. */
    public synchronized void startWorkspace(String workspacePath) {
        SimWorkspace ws = workspace(workspacePath);
        Instant now = now();
        startSucceeded(ws, now.minusSeconds(41));
        connectAll(ws, now);
        ws.advanceAtStep = -1;
    }

    /** The workspace is deleted: it disappears from the list, as Coder never lists deleted workspaces. */
    public synchronized void deleteWorkspace(String workspacePath) {
        SimWorkspace ws = workspace(workspacePath);
        workspaces.remove(ws.id);
        version++;
    }

    /**
     * Creates a running workspace with a connected, ready agent {@code main} (and a {@code devcontainer} sub-agent
     * when asked), optionally with a Task. Returns its path.
     */
    public synchronized String createWorkspace(String owner, String name, String templateName, boolean subAgent,
                                               boolean withTask) {
        Template template = TEMPLATES.stream().filter(t -> t.name().equals(templateName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template must be one of "
                        + TEMPLATES.stream().map(Template::name).toList() + ", was '" + templateName + "'"));
        for (SimWorkspace existing : workspaces.values()) {
            if (existing.ownerName.equals(owner) && existing.name.equals(name)) {
                throw new IllegalArgumentException("workspace " + owner + "/" + name + " already exists");
            }
        }
        Instant now = now();
        SimWorkspace ws = newWorkspace(owner, name, template, now.minusSeconds(60));
        if (!withTask) {
            ws.task = null;
        } else if (ws.task == null) {
            ws.task = new SimTask(Names.uuid(random), name, capitalise(name.replace('-', ' ')), "Please " + name,
                    ws.createdAt.minusMillis(400));
        }
        newBuild(ws, "start", now.minusSeconds(55));
        ws.build.jobStatus = "succeeded";
        ws.build.completedAt = now.minusSeconds(15);
        SimAgent main = new SimAgent("main", null);
        main.id = Names.uuid(ids);
        main.resourceId = ws.build.resourceId;
        main.createdAt = now.minusSeconds(15);
        if (template.appSlug() != null) {
            main.appId = Names.uuid(ids);
            main.appSlug = template.appSlug();
        }
        ws.agents.add(main);
        if (subAgent) {
            SimAgent sub = new SimAgent("devcontainer", "main");
            sub.id = Names.uuid(ids);
            sub.parentId = main.id;
            sub.resourceId = main.resourceId;
            sub.createdAt = now.minusSeconds(10);
            ws.agents.add(sub);
        }
        connectAll(ws, now.minusSeconds(1));
        workspaces.put(ws.id, ws);
        version++;
        return ws.path();
    }

    // ---------------------------------------------------------------- lively activity

    /**
     * Advances the fleet by {@code steps} ticks of random activity, each making about {@code changesPerStep} changes:
     * tasks progressing, agents disconnecting and reconnecting, builds starting, failing and stopping, workspaces
     * created and deleted. Utilisation follows a slow wave so capacity rises and falls.
     */
    public synchronized void step(int steps, int changesPerStep) {
        for (int s = 0; s < steps; s++) {
            stepCount++;
            Instant now = now();
            for (SimWorkspace ws : new ArrayList<>(workspaces.values())) {
                if (ws.advanceAtStep >= 0 && ws.advanceAtStep <= stepCount) {
                    advance(ws, now);
                }
            }
            List<SimWorkspace> all = new ArrayList<>(workspaces.values());
            for (int c = 0; c < changesPerStep && !all.isEmpty(); c++) {
                randomChange(all.get(random.nextInt(all.size())), now);
            }
            if (workspaces.size() < targetSize && random.nextInt(4) == 0) {
                generate(now, workspaces.size());
            }
        }
    }

    /** The number of steps taken so far. */
    public synchronized long steps() {
        return stepCount;
    }

    private double workingBias() {
        return 0.5 + 0.4 * Math.sin(stepCount / 300.0 * Math.PI);
    }

    private void randomChange(SimWorkspace ws, Instant now) {
        if (ws.advanceAtStep >= 0) {
            return;
        }
        String status = ws.build.status();
        int roll = random.nextInt(1000);
        if ("running".equals(status)) {
            SimAgent main = ws.mainAgent();
            if (main == null) {
                return;
            }
            if (roll < 20) {
                beginBuild(ws, "stop", now);
            } else if (roll < 25) {
                beginBuild(ws, "delete", now);
            } else if (!"connected".equals(main.status)) {
                connect(main, now);
                main.lifecycle = "ready";
                for (SimAgent sub : ws.agents) {
                    if (sub.subAgent()) {
                        connect(sub, now);
                        sub.lifecycle = "ready";
                    }
                }
            } else if (roll < 45) {
                disconnect(ws, main, now);
            } else if (roll < 50) {
                main.lifecycle = random.nextBoolean() ? "start_error" : "start_timeout";
                version++;
            } else if (main.appId != null) {
                SimStatus latest = main.latestStatus();
                String state = latest == null ? "idle" : latest.state();
                if ("working".equals(state)) {
                    int r = random.nextInt(100);
                    if (r < 60) {
                        addStatus(ws, main, "complete", Names.pick(random, Names.MESSAGES_COMPLETE), now);
                    } else if (r < 75) {
                        addStatus(ws, main, "failure", Names.pick(random, Names.MESSAGES_FAILURE), now);
                    } else if (r < 90) {
                        addStatus(ws, main, "idle", Names.pick(random, Names.MESSAGES_IDLE), now);
                    } else {
                        addStatus(ws, main, "working", Names.pick(random, Names.MESSAGES_WORKING), now);
                    }
                } else if (random.nextDouble() < workingBias()) {
                    addStatus(ws, main, "working", Names.pick(random, Names.MESSAGES_WORKING), now);
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
        newBuild(ws, transition, now);
        if ("start".equals(transition) && random.nextInt(8) == 0) {
            ws.build.jobStatus = "pending";
            ws.build.queuePosition = 1;
            ws.build.queueSize = 1 + random.nextInt(3);
        }
        ws.failNextAdvance = "start".equals(transition) && random.nextInt(10) == 0;
        ws.advanceAtStep = stepCount + 1 + random.nextInt(3);
    }

    /** Moves an in-flight build one phase on: pending → running → succeeded/failed → agents connect → ready. */
    private void advance(SimWorkspace ws, Instant now) {
        SimBuild b = ws.build;
        ws.advanceAtStep = stepCount + 1 + random.nextInt(3);
        if ("pending".equals(b.jobStatus)) {
            b.jobStatus = "running";
            b.queuePosition = 0;
            b.queueSize = 0;
            b.startedAt = now;
            version++;
            return;
        }
        if ("running".equals(b.jobStatus)) {
            if ("delete".equals(b.transition)) {
                workspaces.remove(ws.id);
                version++;
                return;
            }
            if (ws.failNextAdvance) {
                failBuildJob(ws, Names.pick(random, Names.BUILD_ERRORS));
                ws.advanceAtStep = -1;
                return;
            }
            b.jobStatus = "succeeded";
            b.completedAt = now;
            if ("start".equals(b.transition)) {
                createAgents(ws, now);
            } else {
                ws.advanceAtStep = -1;
            }
            version++;
            return;
        }
        if (b.hasAgents()) {
            SimAgent main = ws.mainAgent();
            if (main != null && "connecting".equals(main.status)) {
                if (random.nextInt(20) == 0) {
                    main.status = "timeout";
                    version++;
                    ws.advanceAtStep = -1;
                } else {
                    for (SimAgent agent : ws.agents) {
                        connect(agent, now);
                    }
                }
                return;
            }
            for (SimAgent agent : ws.agents) {
                agent.lifecycle = "ready";
                agent.readyAt = now;
            }
            version++;
        }
        ws.advanceAtStep = -1;
    }

    /**
     * Changes exactly {@code agents} distinct connected agents that have an AI app (a new app status each), for
     * benchmarks that need a known share of changed agents. Returns the paths of the changed agents.
     */
    public synchronized List<String> churn(int agents) {
        List<String> changed = new ArrayList<>();
        Instant now = now();
        List<SimWorkspace> all = new ArrayList<>(workspaces.values());
        int start = all.isEmpty() ? 0 : random.nextInt(all.size());
        for (int i = 0; i < all.size() && changed.size() < agents; i++) {
            SimWorkspace ws = all.get((start + i) % all.size());
            SimAgent main = ws.mainAgent();
            if (main != null && main.appId != null && "connected".equals(main.status)) {
                SimStatus latest = main.latestStatus();
                boolean working = latest != null && "working".equals(latest.state());
                addStatus(ws, main, working ? "complete" : "working",
                        Names.pick(random, working ? Names.MESSAGES_COMPLETE : Names.MESSAGES_WORKING), now);
                changed.add(ws.path() + "." + main.name);
            }
        }
        return changed;
    }

    // ---------------------------------------------------------------- reading

    /** Paths ({@code owner/workspace.agent}) of every agent of every current build, in list order. */
    public synchronized List<String> agentPaths() {
        List<String> paths = new ArrayList<>();
        for (SimWorkspace ws : sorted()) {
            for (SimAgent agent : ws.agents) {
                paths.add(ws.path() + "." + agent.name);
            }
        }
        return paths;
    }

    /** Paths ({@code owner/workspace}) of every workspace, in list order. */
    public synchronized List<String> workspacePaths() {
        return sorted().stream().map(SimWorkspace::path).toList();
    }

    /** The id of a workspace. */
    public synchronized UUID workspaceId(String workspacePath) {
        return workspace(workspacePath).id;
    }

    /** The current Coder agent UUID of an agent. */
    public synchronized UUID agentId(String agentPath) {
        return agent(agentPath).agent.id;
    }

    /** Counts for people: workspaces by status, agents by status, working agents. */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> out = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> agentsByStatus = new TreeMap<>();
        int agents = 0;
        int working = 0;
        for (SimWorkspace ws : workspaces.values()) {
            byStatus.merge(ws.build.status(), 1, Integer::sum);
            for (SimAgent agent : ws.agents) {
                agents++;
                agentsByStatus.merge(agent.status, 1, Integer::sum);
                SimStatus latest = agent.latestStatus();
                if (latest != null && "working".equals(latest.state()) && "connected".equals(agent.status)) {
                    working++;
                }
            }
        }
        out.put("workspaces", workspaces.size());
        out.put("workspaces_by_status", byStatus);
        out.put("agents", agents);
        out.put("agents_by_status", agentsByStatus);
        out.put("working_agents", working);
        out.put("steps", stepCount);
        return out;
    }

    /** Coder's order: favorites (none here), then latest build a successful start, then owner, then name. */
    private List<SimWorkspace> sorted() {
        if (sortedVersion != version || sortedCache == null) {
            List<SimWorkspace> list = new ArrayList<>(workspaces.values());
            list.sort(Comparator.comparing((SimWorkspace ws) -> "running".equals(ws.build.status()) ? 0 : 1)
                    .thenComparing(ws -> ws.ownerName.toLowerCase(Locale.ROOT))
                    .thenComparing(ws -> ws.name.toLowerCase(Locale.ROOT)));
            sortedCache = List.copyOf(list);
            sortedVersion = version;
        }
        return sortedCache;
    }

    /**
     * Writes {@code {"workspaces": [...], "count": n}} for a query page to {@code out}, rendering one workspace at a
     * time under the fleet's monitor and writing it out without holding it.
     *
     * @param limit 0 means no limit, as in Coder
     */
    public void writeWorkspaceList(OutputStream out, WorkspaceQuery query, int limit, int offset) throws IOException {
        List<SimWorkspace> page;
        int count;
        synchronized (this) {
            List<SimWorkspace> matches = sorted().stream().filter(query::matches).toList();
            count = matches.size();
            int from = Math.min(offset, count);
            int to = limit == 0 ? count : Math.min(count, from + limit);
            page = matches.subList(from, to);
        }
        out.write("{\"workspaces\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
        boolean first = true;
        for (SimWorkspace ws : page) {
            buffer.reset();
            synchronized (this) {
                try (JsonGenerator g = json.createGenerator(buffer)) {
                    CoderJson.workspace(g, ws, now());
                }
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            buffer.writeTo(out);
        }
        out.write(("],\"count\":" + count + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes one workspace; false when there is none with this id. */
    public boolean writeWorkspace(OutputStream out, UUID id) {
        synchronized (this) {
            SimWorkspace ws = workspaces.get(id);
            if (ws == null) {
                return false;
            }
            try (JsonGenerator g = json.createGenerator(out)) {
                CoderJson.workspace(g, ws, now());
            }
            return true;
        }
    }

    /** Writes {@code {"tasks": [...], "count": n}}: every workspace's Task (unpaginated, as in Coder). */
    public synchronized void writeTasks(OutputStream out) {
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayPropertyStart("tasks");
            int count = 0;
            Instant now = now();
            for (SimWorkspace ws : sorted()) {
                if (ws.task != null) {
                    CoderJson.task(g, ws, now);
                    count++;
                }
            }
            g.writeEndArray();
            g.writeNumberProperty("count", count);
            g.writeEndObject();
        }
    }
}
