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
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The simulated fleet's state: workspaces, their latest builds, agents, app statuses and Tasks, and the primitive
 * changes that {@link RandomActivity} and {@link ScriptedTransitions} are made of. Seeded and deterministic: the same
 * seeds and sequence of operations give the same fleet (ids, names, states); only timestamps follow the clock. Every
 * read and change holds this object's monitor; the types that change or render the fleet synchronize on it too.
 */
public final class Fleet {

        /** The prebuilds system user, as in Coder (coderd/database migration of the prebuilds feature). */
    static final String PREBUILDS_USER = "prebuilds";
    static final UUID PREBUILDS_USER_ID = UUID.fromString("c42fdf75-3097-471c-8c33-fb52454d81c0");
    /** Agents of earlier builds answered by UUID, per workspace (Coder keeps all; a bound keeps long demos small). */
    static final int RETIRED_AGENTS = 8;
    /** Deleted workspaces answered with {@code include_deleted=true} (the newest ones). */
    static final int DELETED_KEPT = 1000;

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
    final CoderVersion coderVersion;
    final Duration agentApiIdleDelay;
    /** Live workspaces (deleted ones move to {@link #deletedWorkspaces}). */
    final Map<UUID, SimWorkspace> workspaces = new LinkedHashMap<>();
    final Map<UUID, SimWorkspace> deletedWorkspaces = new LinkedHashMap<>();
    private final PriorityQueue<Deferred> timeline = new PriorityQueue<>(
            Comparator.comparing(Deferred::at).thenComparingLong(Deferred::seq));
    private long deferredSeq;
    private boolean catchingUp;
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
        this(seed, idSeed, subAgentRatio, clock, CoderVersion.LATEST, Duration.ofSeconds(2));
    }

    /**
     * An empty fleet behaving as {@code coderVersion}.
     *
     * @param agentApiIdleDelay how long after an agent's {@code complete}/{@code failure} AgentAPI writes {@code idle}
     */
    public Fleet(long seed, long idSeed, double subAgentRatio, Clock clock, CoderVersion coderVersion,
                 Duration agentApiIdleDelay) {
        this.coderVersion = coderVersion;
        this.agentApiIdleDelay = agentApiIdleDelay;
        this.random = new Random(seed);
        this.ids = new Random(idSeed);
        this.clock = clock;
        this.subAgentRatio = subAgentRatio;
    }

    /** The clock's time, after applying every deferred change due by then. */
    Instant now() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        catchUp(now);
        return now;
    }

    // ---------------------------------------------------------------- primitive changes

    String uniqueName(String owner) {
        nameCounter++;
        return Names.pick(random, Names.VERBS) + "-" + Names.pick(random, Names.NOUNS) + "-" + nameCounter;
    }

    UUID ownerId(String owner) {
        if (PREBUILDS_USER.equals(owner)) {
            return PREBUILDS_USER_ID;
        }
        return ownerIds.computeIfAbsent(owner, o -> Names.uuid(random));
    }

    SimWorkspace newWorkspace(String owner, String name, Template template, Instant createdAt) {
        UUID ownerId = ownerId(owner);
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

    /**
     * Queues a new build whose job runs at once. The list shows only the latest build's resources, so the previous
     * build's agents leave the list now; they stay answerable by UUID and, if they were running, start shutting down.
     */
    void newBuild(SimWorkspace ws, String transition, Instant at) {
        newBuild(ws, transition, at, false);
    }

    /** As {@link #newBuild(SimWorkspace, String, Instant)}; {@code queued}: the job waits, first in the queue. */
    void newBuild(SimWorkspace ws, String transition, Instant at, boolean queued) {
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
        b.updatedAt = at;
        b.initiatorId = ws.ownerId;
        b.initiatorName = ws.ownerName;
        b.queuePosition = queued ? 1 : 0;
        b.queueSize = queued ? 1 : 0;
        if (queued) {
            b.jobStatus = "pending";
            b.startedAt = null;
        }
        if (b.volumeResourceId == null) {
            b.volumeResourceId = Names.uuid(ids);
        }
        b.resourceId = Names.uuid(ids);
        ws.shuttingDown.clear();
        for (SimAgent agent : ws.agents) {
            ws.retired.add(agent);
            if (agent.connectionOpen()) {
                ws.shuttingDown.add(agent);
            }
        }
        while (ws.retired.size() > RETIRED_AGENTS) {
            ws.retired.remove(0);
        }
        ws.agents.clear();
        ws.shutdownOutcome = "off";
        beginShutdown(ws);
        version++;
    }

    /** The old agents notice their container going away once the build's job runs. */
    void beginShutdown(SimWorkspace ws) {
        if (!"running".equals(ws.build.jobStatus)) {
            return;
        }
        for (SimAgent agent : ws.shuttingDown) {
            agent.lifecycle = "shutting_down";
        }
    }

    /** The build's job ended: the old agents report their last lifecycle and their connections close. */
    void endShutdown(SimWorkspace ws, Instant at) {
        for (SimAgent agent : ws.shuttingDown) {
            agent.lifecycle = ws.shutdownOutcome;
            closeConnection(agent, at);
        }
        ws.shuttingDown.clear();
    }

    void startSucceeded(SimWorkspace ws, Instant at) {
        newBuild(ws, "start", at);
        ws.build.jobStatus = "succeeded";
        ws.build.completedAt = at.plusSeconds(40);
        ws.build.updatedAt = ws.build.completedAt;
        endShutdown(ws, at.plusSeconds(20));
        createAgents(ws, ws.build.completedAt.minusMillis(200));
    }

    void createAgents(SimWorkspace ws, Instant at) {
        createAgents(ws, at, random.nextDouble() < subAgentRatio);
    }

    /** The agents of a start build whose job succeeded: {@code main} and, if asked, its dev-container sub-agent. */
    void createAgents(SimWorkspace ws, Instant at, boolean withSubAgent) {
        SimAgent main = new SimAgent("main", null);
        main.id = Names.uuid(ids);
        main.resourceId = ws.build.resourceId;
        main.createdAt = at;
        if (ws.template.appSlug() != null) {
            main.appId = Names.uuid(ids);
            main.appSlug = ws.template.appSlug();
        }
        ws.agents.add(main);
        if (withSubAgent) {
            ws.agents.add(newSubAgent(main, at.plusSeconds(30)));
        }
    }

    SimAgent newSubAgent(SimAgent parent, Instant at) {
        SimAgent sub = new SimAgent("devcontainer", parent.name);
        sub.id = Names.uuid(ids);
        sub.parentId = parent.id;
        sub.resourceId = parent.resourceId;
        sub.createdAt = at;
        return sub;
    }

    void connectAll(SimWorkspace ws, Instant at) {
        for (SimAgent agent : ws.agents) {
            connect(agent, at);
            agent.lifecycle = "ready";
            agent.startedAt = agent.startedAt == null ? at.plusMillis(400) : agent.startedAt;
            agent.readyAt = at;
        }
    }

    /** A connection opens. A previous close's {@code disconnected_at} stays until this connection's first ping. */
    void connect(SimAgent agent, Instant at) {
        if (agent.connectionOpen()) {
            return;
        }
        agent.disconnectedAt = agent.storedDisconnectedAt(at);
        agent.pingsStopped = false;
        agent.timedOut = false;
        if (agent.firstConnectedAt == null) {
            agent.firstConnectedAt = at;
        }
        agent.connectedSince = at;
        agent.lastConnectedAt = at;
        if ("created".equals(agent.lifecycle)) {
            agent.lifecycle = "starting";
            agent.startedAt = at.plusMillis(300);
        }
        agent.logsLength += 512;
        version++;
    }

    /** The connection closes: coderd writes {@code disconnected_at} at once. */
    void closeConnection(SimAgent agent, Instant at) {
        if (!agent.connectionOpen()) {
            return;
        }
        agent.lastConnectedAt = agent.lastConnectedAt(at);
        agent.connectedSince = null;
        agent.disconnectedAt = at;
        version++;
    }

    /** The agent loses its connection; a dev container's sub-agents lose theirs with it. */
    void disconnect(SimWorkspace ws, SimAgent agent, Instant at) {
        closeConnection(agent, at);
        for (SimAgent other : ws.agents) {
            if (agent.name.equals(other.parentName)) {
                closeConnection(other, at);
            }
        }
    }

    /** The agent dies without closing its connection: its pings stop, and only their absence tells. */
    void kill(SimWorkspace ws, SimAgent agent, Instant at) {
        for (SimAgent victim : ws.agents) {
            if ((victim == agent || agent.name.equals(victim.parentName)) && victim.connectionOpen()) {
                victim.lastConnectedAt = victim.lastConnectedAt(at);
                victim.connectedSince = null;
                victim.pingsStopped = true;
            }
        }
        version++;
    }

    void failBuildJob(SimWorkspace ws, String error) {
        ws.build.jobStatus = "failed";
        ws.build.jobError = error;
        ws.build.jobErrorCode = null;
        ws.build.completedAt = ws.build.createdAt.plusSeconds(35);
        ws.build.updatedAt = ws.build.completedAt;
        ws.agents.clear();
        version++;
    }

    /** The delete build succeeded: the workspace leaves the list and is answered only with include_deleted. */
    void markDeleted(SimWorkspace ws) {
        ws.deleted = true;
        workspaces.remove(ws.id);
        deletedWorkspaces.put(ws.id, ws);
        if (deletedWorkspaces.size() > DELETED_KEPT) {
            deletedWorkspaces.remove(deletedWorkspaces.keySet().iterator().next());
        }
        version++;
    }

    void addStatus(SimWorkspace ws, SimAgent agent, String state, String message, Instant at) {
        addStatus(ws, agent, state, message,
                "complete".equals(state) ? "https://github.com/acme/" + ws.template.name() + "/pull/"
                        + (100 + random.nextInt(900)) : "", at);
    }

    void addStatus(SimWorkspace ws, SimAgent agent, String state, String message, String uri, Instant at) {
        if (agent.appId == null) {
            throw new IllegalArgumentException("agent " + ws.path() + "." + agent.name + " has no AI app to report a status");
        }
        SimStatus status = new SimStatus(Names.uuid(ids), at, ws.id, agent.id, agent.appId, state, message, uri);
        agent.statuses.add(status);
        if (ws.latestAppStatus == null || SimStatus.NEWEST_FIRST.compare(status, ws.latestAppStatus) < 0) {
            ws.latestAppStatus = status;
        }
        ws.lastUsedAt = at;
        if (ws.build.updatedAt == null || at.isAfter(ws.build.updatedAt)) {
            ws.build.updatedAt = at;
        }
        version++;
    }

    /**
     * The agent's task turn ends with {@code complete} or {@code failure}. From Coder 2.31 the agent's own report
     * reaches Coder and AgentAPI writes {@code idle} once the screen is stable, {@link #agentApiIdleDelay} later. Before,
     * the agent could not report {@code complete}: a finished turn reads {@code idle}, a failed one {@code failure}.
     */
    void endTurn(SimWorkspace ws, SimAgent agent, String state, String message, Instant at) {
        if (!coderVersion.agentReportsTurnEnd()) {
            addStatus(ws, agent, "complete".equals(state) ? "idle" : state, message, at);
            return;
        }
        addStatus(ws, agent, state, message, at);
        String uri = agent.latestStatus().uri();
        defer(at.plus(agentApiIdleDelay), due -> {
            if (ws.agents.contains(agent)) {
                addStatus(ws, agent, "idle", message, uri, due);
            }
        });
    }

    // ---------------------------------------------------------------- deferred changes

    private record Deferred(Instant at, long seq, Consumer<Instant> change) {
    }

    /** Runs {@code change} with its due time once the clock reaches {@code at}; in order of time, then of deferral. */
    void defer(Instant at, Consumer<Instant> change) {
        timeline.add(new Deferred(at, deferredSeq++, change));
    }

    /** Applies every deferred change that is due, each at its own time, so any read sees them as if they had happened. */
    private void catchUp(Instant now) {
        if (catchingUp) {
            return;
        }
        catchingUp = true;
        try {
            while (!timeline.isEmpty() && !timeline.peek().at().isAfter(now)) {
                Deferred next = timeline.poll();
                next.change().accept(next.at());
            }
        } finally {
            catchingUp = false;
        }
    }

    /** How many deferred changes are still to come. */
    synchronized int pendingChanges() {
        return timeline.size();
    }

    // ---------------------------------------------------------------- lookups

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
        now();
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
        now();
        return sorted().stream().map(SimWorkspace::path).toList();
    }

    /** The id of a workspace. */
    public synchronized UUID workspaceId(String workspacePath) {
        return workspace(workspacePath).id;
    }

    /** The id of the workspace's owner. */
    public synchronized UUID workspaceOwnerId(String workspacePath) {
        return workspace(workspacePath).ownerId;
    }

    /** The current Coder agent UUID of an agent. */
    public synchronized UUID agentId(String agentPath) {
        now();
        return agent(agentPath).agent.id;
    }

    /** The agent with this UUID in any build, current or earlier, of a live or deleted workspace; null if none. */
    Located agentById(UUID id) {
        for (Map<UUID, SimWorkspace> map : List.of(workspaces, deletedWorkspaces)) {
            for (SimWorkspace ws : map.values()) {
                for (List<SimAgent> agents : List.of(ws.agents, ws.retired)) {
                    for (SimAgent agent : agents) {
                        if (agent.id.equals(id)) {
                            return new Located(ws, agent);
                        }
                    }
                }
            }
        }
        return null;
    }

    /** Counts for people: workspaces by status, agents by status, working agents. */
    public synchronized Map<String, Object> summary() {
        Map<String, Object> out = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> agentsByStatus = new TreeMap<>();
        int agents = 0;
        int working = 0;
        Instant now = now();
        for (SimWorkspace ws : workspaces.values()) {
            byStatus.merge(ws.build.status(), 1, Integer::sum);
            for (SimAgent agent : ws.agents) {
                agents++;
                String status = agent.status(now);
                agentsByStatus.merge(status, 1, Integer::sum);
                SimStatus latest = agent.latestStatus();
                if (latest != null && "working".equals(latest.state()) && "connected".equals(status)) {
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
