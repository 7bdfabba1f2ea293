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

/**
 * The simulated fleet's state: workspaces, their latest builds, agents, app statuses and Tasks, and the primitive
 * changes that {@link RandomActivity} and {@link ScriptedTransitions} are made of. Seeded and deterministic: the same
 * seeds and sequence of operations give the same fleet (ids, names, states); only timestamps follow the clock. Every
 * read and change holds this object's monitor; the types that change or render the fleet synchronize on it too.
 */
public final class Fleet {

    /** How many statuses of an app's history are kept (Coder keeps all; a bound keeps long demos from growing). */
    static final int STATUS_HISTORY = 20;
    /** Coder's agent heartbeat: {@code last_connected_at} and {@code updated_at} move every 15 s. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    static final List<Template> TEMPLATES = List.of(
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
    final Random random;
    /**
     * Draws the UUIDs of what a build creates (builds, jobs, resources, agents, apps, app statuses). Separate from
     * {@link #random} so that a restarted simulator can serve the same workspaces without reissuing the UUIDs of its
     * previous run: Coder never reuses one, and the pipeline derives event ids from them.
     */
    final Random ids;
    final Clock clock;
    final double subAgentRatio;
    final Map<UUID, SimWorkspace> workspaces = new LinkedHashMap<>();
    private final Map<String, UUID> ownerIds = new TreeMap<>();
    /** Bumped on every change that can move a workspace in the list order. */
    long version;
    private List<SimWorkspace> sortedCache;
    private long sortedVersion = -1;
    private int nameCounter;

    /**
     * An empty fleet: {@link RandomActivity} generates its seeded workspaces, {@link ScriptedTransitions} adds exact
     * ones.
     *
     * @param seed          the random seed: the same seed gives the same workspaces and the same story
     * @param idSeed        the seed of the UUIDs builds create (builds, agents, apps, app statuses); the same
     *                      {@code seed} and {@code idSeed} give a fleet identical byte for byte
     * @param subAgentRatio the share of running workspaces that also run a dev-container sub-agent
     * @param clock         the clock timestamps follow
     */
    public Fleet(long seed, long idSeed, double subAgentRatio, Clock clock) {
        this.random = new Random(seed);
        this.ids = new Random(idSeed);
        this.clock = clock;
        this.subAgentRatio = subAgentRatio;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---------------------------------------------------------------- primitive changes

    String uniqueName(String owner) {
        nameCounter++;
        return Names.pick(random, Names.VERBS) + "-" + Names.pick(random, Names.NOUNS) + "-" + nameCounter;
    }

    SimWorkspace newWorkspace(String owner, String name, Template template, Instant createdAt) {
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

    static String capitalise(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    void newBuild(SimWorkspace ws, String transition, Instant at) {
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

    void startSucceeded(SimWorkspace ws, Instant at) {
        newBuild(ws, "start", at);
        ws.build.jobStatus = "succeeded";
        ws.build.completedAt = at.plusSeconds(40);
        createAgents(ws, ws.build.completedAt.minusMillis(200));
    }

    void createAgents(SimWorkspace ws, Instant at) {
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

    void connectAll(SimWorkspace ws, Instant at) {
        for (SimAgent agent : ws.agents) {
            connect(agent, at);
            agent.lifecycle = "ready";
            agent.startedAt = agent.startedAt == null ? at.plusMillis(400) : agent.startedAt;
            agent.readyAt = at.plusSeconds(30);
        }
    }

    void connect(SimAgent agent, Instant at) {
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

    void disconnect(SimWorkspace ws, SimAgent agent, Instant at) {
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

    void failBuildJob(SimWorkspace ws, String error) {
        ws.build.jobStatus = "failed";
        ws.build.jobError = error;
        ws.build.jobErrorCode = null;
        ws.build.completedAt = ws.build.createdAt.plusSeconds(35);
        ws.agents.clear();
        version++;
    }

    void addStatus(SimWorkspace ws, SimAgent agent, String state, String message, Instant at) {
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


    SimWorkspace workspace(String workspacePath) {
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

    record Located(SimWorkspace workspace, SimAgent agent) {
    }

    Located agent(String agentPath) {
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
        return out;
    }

    /** Coder's order: favorites (none here), then latest build a successful start, then owner, then name. */
    List<SimWorkspace> sorted() {
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
}
