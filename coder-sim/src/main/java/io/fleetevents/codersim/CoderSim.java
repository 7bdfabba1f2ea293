package io.fleetevents.codersim;

import com.sun.net.httpserver.HttpServer;
import io.fleetevents.codersim.api.CoderApiHandler;
import io.fleetevents.codersim.control.ControlApiHandler;
import io.fleetevents.codersim.control.SimControl;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultPlan;
import io.fleetevents.codersim.fleet.Fleet;
import io.fleetevents.codersim.fleet.FleetJson;
import io.fleetevents.codersim.fleet.RandomActivity;
import io.fleetevents.codersim.fleet.ScriptedTransitions;
import io.fleetevents.codersim.notify.WebhookSender;
import io.fleetevents.codersim.watch.WatchHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running simulated Coder deployment and its scripting handle. {@link #start} binds the port, generates the seeded
 * fleet and, unless the config is scripted-only, starts its random activity. Every control operation exists both as a
 * method here and under the HTTP control API ({@code /sim/}). Agent paths are {@code owner/workspace.agent},
 * workspace paths {@code owner/workspace}. Close it to stop the server and the activity.
 */
public final class CoderSim implements SimControl, AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final CoderSimConfig config;
    private final Fleet fleet;
    private final RandomActivity randomActivity;
    private final ScriptedTransitions script;
    private final FaultPlan faults;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService activity;
    private final CoderApiHandler api;
    private final FleetJson fleetJson;
    private final WatchHub watches;
    private final WebhookSender webhooks = new WebhookSender();
    private volatile boolean tasksApi;
    private volatile boolean buildUpdatesExperiment = true;

    private CoderSim(CoderSimConfig config) throws IOException {
        this.config = config;
        this.tasksApi = config.tasksApi();
        this.faults = new FaultPlan(config.clock());
        this.fleet = new Fleet(config.seed(), config.idSeed(), config.subAgentRatio(), config.clock(),
                config.coderVersion(), config.agentApiIdleDelay());
        this.randomActivity = new RandomActivity(fleet, config.workspaces());
        this.script = new ScriptedTransitions(fleet);
        int instance = INSTANCES.incrementAndGet();
        noDelay();
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
        AtomicInteger threadNumber = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "coder-sim-" + instance + "-http-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.fleetJson = new FleetJson(fleet);
        this.watches = new WatchHub(new WatchHub.Source() {
            @Override
            public byte[] workspace(UUID id) {
                return fleetJson.watchedWorkspace(id);
            }

            @Override
            public byte[] buildUpdate(UUID id) {
                return fleetJson.buildUpdate(id);
            }

            @Override
            public List<UUID> workspaceIds() {
                return fleetJson.workspaceIds();
            }
        }, "coder-sim-" + instance + "-watches");
        this.api = new CoderApiHandler(fleetJson, config.token(), faults, () -> tasksApi,
                config.sessionUser(), watches, () -> buildUpdatesExperiment);
        server.createContext("/api/", api);
        server.createContext("/sim/", new ControlApiHandler(this));
        server.setExecutor(httpThreads);
        server.start();
        if (config.activityInterval().isZero()) {
            activity = null;
        } else {
            activity = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "coder-sim-" + instance + "-activity");
                t.setDaemon(true);
                return t;
            });
            long millis = config.activityInterval().toMillis();
            activity.scheduleWithFixedDelay(() -> {
                randomActivity.step(1, config.effectiveChangesPerStep());
                watches.touchedAll();
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts a simulator. */
    public static CoderSim start(CoderSimConfig config) {
        try {
            return new CoderSim(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind coder-sim to " + config.bindAddress() + ":" + config.port(), e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234} (what a poller calls {@code CODER_URL}). */
    public URI url() {
        return URI.create("http://" + config.bindAddress() + ":" + port());
    }

    /** The accepted session token. */
    public String token() {
        return config.token();
    }

    /** The config it runs with. */
    public CoderSimConfig config() {
        return config;
    }

    /** How many Coder API requests were answered so far. */
    public long apiRequests() {
        return api.requests();
    }

    // ---------------------------------------------------------------- agents

    /** The agent (re)connects and is ready. */
    @Override
    public void connectAgent(String agentPath) {
        script.connectAgent(agentPath);
        touchAgent(agentPath);
    }

    /** The agent loses its connection while its workspace keeps running. */
    @Override
    public void disconnectAgent(String agentPath) {
        script.disconnectAgent(agentPath);
        touchAgent(agentPath);
    }

    /** The agent times out connecting. */
    @Override
    public void timeoutAgent(String agentPath) {
        script.timeoutAgent(agentPath);
        touchAgent(agentPath);
    }

    /** Sets the agent's lifecycle state, e.g. {@code start_error}. */
    @Override
    public void setLifecycle(String agentPath, String lifecycle) {
        script.setLifecycle(agentPath, lifecycle);
        touchAgent(agentPath);
    }

    /** The agent's AI app reports {@code working | idle | complete | failure} with a message. */
    @Override
    public void reportAppStatus(String agentPath, String state, String message) {
        script.reportAppStatus(agentPath, state, message);
        touchAgent(agentPath);
    }

    /** The agent completes its task turn: {@code complete} then AgentAPI's {@code idle} (before Coder 2.31: {@code idle}). */
    @Override
    public void completeTask(String agentPath, String message) {
        script.endTurn(agentPath, "complete", message);
        touchAgent(agentPath);
        notifyTask(agentPath, WebhookSender.TASK_COMPLETED, "Task Completed");
    }

    /** The agent fails its task turn: {@code failure} then AgentAPI's {@code idle} (before 2.31: {@code failure}). */
    @Override
    public void failTask(String agentPath, String message) {
        script.endTurn(agentPath, "failure", message);
        touchAgent(agentPath);
        notifyTask(agentPath, WebhookSender.TASK_FAILED, "Task Failed");
    }

    /** Sets the health of the agent's AI app ({@code unhealthy} makes its Task {@code error}). */
    @Override
    public void setAppHealth(String agentPath, String health) {
        script.setAppHealth(agentPath, health);
        touchAgent(agentPath);
    }

    /** The current Coder agent UUID (new on every build). */
    @Override
    public UUID agentId(String agentPath) {
        return fleet.agentId(agentPath);
    }

    /** Every agent path, in Coder's list order. */
    @Override
    public List<String> agentPaths() {
        return fleet.agentPaths();
    }

    // ---------------------------------------------------------------- workspaces

    /** A new start build fails with {@code error}; the workspace has no agent afterwards. */
    @Override
    public void failBuild(String workspacePath, String error) {
        script.failBuild(workspacePath, error);
        watches.buildChanged(fleet.workspaceId(workspacePath));
        notifyWorkspace(workspacePath, WebhookSender.MANUAL_BUILD_FAILED, "Workspace Manual Build Failed");
    }

    /** The workspace stops; its agents disappear from the build. */
    @Override
    public void stopWorkspace(String workspacePath) {
        script.stopWorkspace(workspacePath);
        watches.buildChanged(fleet.workspaceId(workspacePath));
    }

    /** The workspace starts again: a new build, new agent ids, connected and ready. */
    @Override
    public void startWorkspace(String workspacePath) {
        script.startWorkspace(workspacePath);
        watches.buildChanged(fleet.workspaceId(workspacePath));
    }

    /** The workspace is deleted and disappears from the list. */
    @Override
    public void deleteWorkspace(String workspacePath) {
        UUID id = fleet.workspaceId(workspacePath);
        WebhookSender.Subject subject = subject(workspacePath);
        script.deleteWorkspace(workspacePath);
        watches.buildChanged(id);
        webhooks.send(WebhookSender.WORKSPACE_DELETED, "Workspace Deleted", subject,
                Map.of("name", subject.name(), "reason", "initiated by user", "initiator", subject.owner()),
                config.clock().instant());
    }

    /** Creates a running workspace with a ready agent {@code main}; returns {@code owner/name}. */
    @Override
    public String createWorkspace(String owner, String name, String template, boolean subAgent, boolean withTask) {
        String path = script.createWorkspace(owner, name, template, subAgent, withTask);
        watches.buildChanged(fleet.workspaceId(path));
        return path;
    }

    /** The workspace's id. */
    @Override
    public UUID workspaceId(String workspacePath) {
        return fleet.workspaceId(workspacePath);
    }

    /** Every workspace path, in Coder's list order. */
    @Override
    public List<String> workspacePaths() {
        return fleet.workspacePaths();
    }

    /** The agent dies for real: no close, its pings stop; it stays disconnected until {@link #connectAgent}. */
    @Override
    public void killAgent(String agentPath) {
        script.killAgent(agentPath);
        touchAgent(agentPath);
    }

    /** Recreates a dev container: the sub-agent goes now, a new one (new UUID) comes {@code gap} later. */
    @Override
    public UUID recreateDevcontainer(String subAgentPath, Duration gap) {
        UUID id = script.recreateDevcontainer(subAgentPath, gap);
        touchAgent(subAgentPath);
        return id;
    }

    /** A rolling coderd restart: every connected agent disconnects within {@code spread} for {@code minDown..maxDown}. */
    @Override
    public int coderdRestart(Duration spread, Duration minDown, Duration maxDown) {
        int agents = script.coderdRestart(spread, minDown, maxDown);
        watches.touchedAll();
        return agents;
    }

    /** Queues a build, waiting in the provisioner queue when {@code queued}, that ends at {@link #finishBuild}. */
    @Override
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome, boolean queued) {
        UUID id = fleet.workspaceId(workspacePath);
        script.beginBuild(workspacePath, transition, shutdownOutcome, queued);
        watches.buildChanged(id);
    }

    /** Queues a build whose job runs at once, until {@link #finishBuild}. */
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome) {
        beginBuild(workspacePath, transition, shutdownOutcome, false);
    }

    /** Ends the running build's job. */
    @Override
    public void finishBuild(String workspacePath, boolean succeeded, String error, boolean connect) {
        UUID id = fleet.workspaceId(workspacePath);
        script.finishBuild(workspacePath, succeeded, error, connect);
        watches.buildChanged(id);
    }

    /** Coder's restart: a completed stop build, then a completed start build. */
    @Override
    public void restartWorkspace(String workspacePath) {
        script.restartWorkspace(workspacePath);
        watches.buildChanged(fleet.workspaceId(workspacePath));
    }

    /** Creates running prebuilt workspaces owned by the prebuilds system user; returns their paths. */
    @Override
    public List<String> createPrebuilds(String template, int count) {
        List<String> created = script.createPrebuilds(template, count);
        created.forEach(path -> watches.buildChanged(fleet.workspaceId(path)));
        return created;
    }

    /** Claims the oldest unclaimed prebuilt workspace of a template for {@code owner/name}; returns the new path. */
    @Override
    public String claimPrebuild(String template, String owner, String name, boolean withTask) {
        String claimed = script.claimPrebuild(template, owner, name, withTask);
        watches.buildChanged(fleet.workspaceId(claimed));
        return claimed;
    }

    /** The Tasks API answers 500 for {@code duration} (on the simulator's clock), or until cleared when null. */
    @Override
    public void failTasksApi(Duration duration) {
        faults.outage("/api/v2/tasks", duration);
        faults.outage("/api/experimental/tasks", duration);
    }

    /** The Tasks API answers again. */
    @Override
    public void recoverTasksApi() {
        faults.endOutage("/api/v2/tasks");
        faults.endOutage("/api/experimental/tasks");
    }

    // ---------------------------------------------------------------- activity

    /** Takes {@code steps} random activity steps now (deterministic for a seed). */
    @Override
    public void step(int steps) {
        randomActivity.step(steps, config.effectiveChangesPerStep());
        watches.touchedAll();
    }

    /** Gives exactly {@code agents} distinct connected agents a new app status; returns their paths. */
    @Override
    public List<String> churn(int agents) {
        List<String> churned = randomActivity.churn(agents);
        churned.forEach(this::touchAgent);
        return churned;
    }

    /** Counts of workspaces and agents by status. */
    @Override
    public Map<String, Object> summary() {
        Map<String, Object> summary = fleet.summary();
        summary.put("steps", randomActivity.steps());
        return summary;
    }

    // ---------------------------------------------------------------- faults

    /**
     * Sends responses without Nagle's delay, as Coder does (Go's net/http sets {@code TCP_NODELAY} on every
     * connection). The JDK server writes a response's head and body separately; with Nagle on, the body waits for the
     * client's delayed ACK of the head, about 40 ms per request on Linux — a simulator 30 times slower per request
     * than the server it stands for. The JDK's server reads this property once, when its first server starts: set
     * here unless the JVM was given a value.
     */
    private static void noDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * Queues a fault: the next matching API requests answer with it. A Coder-wide one ({@link Fault#coderWide()}) also
     * ends the open streams, as a coderd that fails every request cannot serve its watches either; their reopening
     * meets the fault.
     */
    @Override
    public void inject(Fault fault) {
        faults.add(fault);
        if (fault.coderWide()) {
            watches.dropAll();
        }
    }

    /** Adds latency before every API response. */
    @Override
    public void latency(Duration latency) {
        faults.latency(latency);
    }

    /** Drops queued faults and latency. */
    @Override
    public void clearFaults() {
        faults.clear();
    }

    /** How many requests queued faults will still fail. */
    public int pendingFaults() {
        return faults.pending();
    }

    /** Whether {@code /api/v2/tasks} exists (false: it answers 404). */
    @Override
    public void tasksApi(boolean enabled) {
        tasksApi = enabled;
    }

    // ---------------------------------------------------------------- push: watches, build stream, webhooks

    /** Ends every open watch and build stream now (clients see the stream end); returns how many were open. */
    @Override
    public int dropWatches() {
        return watches.dropAll();
    }

    /** Turns {@code ExperimentWorkspaceBuildUpdates} on or off (default on); off, the build stream answers 403. */
    @Override
    public void buildUpdatesExperiment(boolean enabled) {
        buildUpdatesExperiment = enabled;
        if (!enabled) {
            watches.dropAll();
        }
    }

    /** Open workspace watches, open build streams and streams opened since start. */
    @Override
    public Map<String, Object> watchStats() {
        return Map.of("watches", watches.openWatches(), "build_streams", watches.openBuildStreams(),
                "opened", watches.streamsOpened());
    }

    /** How often every watch gets a ping (Coder: 15 s). */
    public void watchPingInterval(Duration interval) {
        watches.pingInterval(interval);
    }

    /** How often watched workspaces are compared for changes no operation announced (default 1 s). */
    public void watchSweepInterval(Duration interval) {
        watches.sweepInterval(interval);
    }

    /**
     * Where notification webhooks go ({@code CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT}); null: none are sent. With an
     * endpoint, deleting a workspace, failing a build and ending a task turn each send one, as Coder does.
     */
    @Override
    public void webhookEndpoint(URI endpoint) {
        webhooks.endpoint(endpoint);
    }

    /**
     * Sends one notification about a workspace now; {@code kind} is {@code workspace-deleted}, {@code build-failed},
     * {@code task-completed} or {@code task-failed}. Returns its message id (null without an endpoint).
     */
    @Override
    public UUID sendNotification(String workspacePath, String kind) {
        return switch (kind) {
            case "workspace-deleted" -> notifyWorkspace(workspacePath, WebhookSender.WORKSPACE_DELETED,
                    "Workspace Deleted");
            case "build-failed" -> notifyWorkspace(workspacePath, WebhookSender.MANUAL_BUILD_FAILED,
                    "Workspace Manual Build Failed");
            case "task-completed" -> notifyWorkspace(workspacePath, WebhookSender.TASK_COMPLETED, "Task Completed");
            case "task-failed" -> notifyWorkspace(workspacePath, WebhookSender.TASK_FAILED, "Task Failed");
            default -> throw new IllegalArgumentException("notification kind must be workspace-deleted, build-failed,"
                    + " task-completed or task-failed, was '" + kind + "'");
        };
    }

    /** Delivers a sent notification again with the same {@code X-Message-Id}, as Coder's retry; returns the status. */
    @Override
    public int redeliverNotification(UUID messageId) {
        return webhooks.redeliver(messageId);
    }

    /** The HTTP status of every webhook delivery so far (0: no answer). */
    public List<Integer> webhookStatuses() {
        return webhooks.statuses();
    }

    private void touchAgent(String agentPath) {
        int slash = agentPath.indexOf('/');
        int dot = agentPath.indexOf('.', Math.max(0, slash));
        if (slash > 0 && dot > slash) {
            watches.touched(fleet.workspaceId(agentPath.substring(0, dot)));
        }
    }

    private WebhookSender.Subject subject(String workspacePath) {
        int slash = workspacePath.indexOf('/');
        return new WebhookSender.Subject(fleet.workspaceId(workspacePath), workspacePath.substring(slash + 1),
                workspacePath.substring(0, slash), fleet.workspaceOwnerId(workspacePath));
    }

    private UUID notifyWorkspace(String workspacePath, UUID template, String name) {
        if (webhooks.endpoint() == null) {
            return null;
        }
        WebhookSender.Subject subject = subject(workspacePath);
        return webhooks.send(template, name, subject, Map.of("name", subject.name(), "workspace", subject.name()),
                config.clock().instant());
    }

    private void notifyTask(String agentPath, UUID template, String name) {
        int dot = agentPath.indexOf('.', Math.max(0, agentPath.indexOf('/')));
        if (dot > 0 && webhooks.endpoint() != null) {
            WebhookSender.Subject subject = subject(agentPath.substring(0, dot));
            webhooks.send(template, name, subject, Map.of("task", subject.name(), "workspace", subject.name()),
                    config.clock().instant());
        }
    }

    @Override
    public void close() {
        watches.close();
        if (activity != null) {
            activity.shutdownNow();
        }
        server.stop(0);
        httpThreads.shutdownNow();
    }
}
