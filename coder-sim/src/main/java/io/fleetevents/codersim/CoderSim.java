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
    private volatile boolean tasksApi;

    private CoderSim(CoderSimConfig config) throws IOException {
        this.config = config;
        this.tasksApi = config.tasksApi();
        this.faults = new FaultPlan(config.clock());
        this.fleet = new Fleet(config.seed(), config.idSeed(), config.subAgentRatio(), config.clock(),
                config.coderVersion(), config.agentApiIdleDelay());
        this.randomActivity = new RandomActivity(fleet, config.workspaces());
        this.script = new ScriptedTransitions(fleet);
        int instance = INSTANCES.incrementAndGet();
        this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
        AtomicInteger threadNumber = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "coder-sim-" + instance + "-http-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.api = new CoderApiHandler(new FleetJson(fleet), config.token(), faults, () -> tasksApi,
                config.sessionUser());
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
            activity.scheduleWithFixedDelay(() -> randomActivity.step(1, config.effectiveChangesPerStep()), millis, millis,
                    TimeUnit.MILLISECONDS);
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
    }

    /** The agent loses its connection while its workspace keeps running. */
    @Override
    public void disconnectAgent(String agentPath) {
        script.disconnectAgent(agentPath);
    }

    /** The agent times out connecting. */
    @Override
    public void timeoutAgent(String agentPath) {
        script.timeoutAgent(agentPath);
    }

    /** Sets the agent's lifecycle state, e.g. {@code start_error}. */
    @Override
    public void setLifecycle(String agentPath, String lifecycle) {
        script.setLifecycle(agentPath, lifecycle);
    }

    /** The agent's AI app reports {@code working | idle | complete | failure} with a message. */
    @Override
    public void reportAppStatus(String agentPath, String state, String message) {
        script.reportAppStatus(agentPath, state, message);
    }

    /** The agent completes its task turn: {@code complete} then AgentAPI's {@code idle} (before Coder 2.31: {@code idle}). */
    @Override
    public void completeTask(String agentPath, String message) {
        script.endTurn(agentPath, "complete", message);
    }

    /** The agent fails its task turn: {@code failure} then AgentAPI's {@code idle} (before 2.31: {@code failure}). */
    @Override
    public void failTask(String agentPath, String message) {
        script.endTurn(agentPath, "failure", message);
    }

    /** Sets the health of the agent's AI app ({@code unhealthy} makes its Task {@code error}). */
    @Override
    public void setAppHealth(String agentPath, String health) {
        script.setAppHealth(agentPath, health);
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
    }

    /** The workspace stops; its agents disappear from the build. */
    @Override
    public void stopWorkspace(String workspacePath) {
        script.stopWorkspace(workspacePath);
    }

    /** The workspace starts again: a new build, new agent ids, connected and ready. */
    @Override
    public void startWorkspace(String workspacePath) {
        script.startWorkspace(workspacePath);
    }

    /** The workspace is deleted and disappears from the list. */
    @Override
    public void deleteWorkspace(String workspacePath) {
        script.deleteWorkspace(workspacePath);
    }

    /** Creates a running workspace with a ready agent {@code main}; returns {@code owner/name}. */
    @Override
    public String createWorkspace(String owner, String name, String template, boolean subAgent, boolean withTask) {
        return script.createWorkspace(owner, name, template, subAgent, withTask);
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
    }

    /** Recreates a dev container: the sub-agent goes now, a new one (new UUID) comes {@code gap} later. */
    @Override
    public UUID recreateDevcontainer(String subAgentPath, Duration gap) {
        return script.recreateDevcontainer(subAgentPath, gap);
    }

    /** A rolling coderd restart: every connected agent disconnects within {@code spread} for {@code minDown..maxDown}. */
    @Override
    public int coderdRestart(Duration spread, Duration minDown, Duration maxDown) {
        return script.coderdRestart(spread, minDown, maxDown);
    }

    /** Queues a build, waiting in the provisioner queue when {@code queued}, that ends at {@link #finishBuild}. */
    @Override
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome, boolean queued) {
        script.beginBuild(workspacePath, transition, shutdownOutcome, queued);
    }

    /** Queues a build whose job runs at once, until {@link #finishBuild}. */
    public void beginBuild(String workspacePath, String transition, String shutdownOutcome) {
        beginBuild(workspacePath, transition, shutdownOutcome, false);
    }

    /** Ends the running build's job. */
    @Override
    public void finishBuild(String workspacePath, boolean succeeded, String error, boolean connect) {
        script.finishBuild(workspacePath, succeeded, error, connect);
    }

    /** Coder's restart: a completed stop build, then a completed start build. */
    @Override
    public void restartWorkspace(String workspacePath) {
        script.restartWorkspace(workspacePath);
    }

    /** Creates running prebuilt workspaces owned by the prebuilds system user; returns their paths. */
    @Override
    public List<String> createPrebuilds(String template, int count) {
        return script.createPrebuilds(template, count);
    }

    /** Claims the oldest unclaimed prebuilt workspace of a template for {@code owner/name}; returns the new path. */
    @Override
    public String claimPrebuild(String template, String owner, String name, boolean withTask) {
        return script.claimPrebuild(template, owner, name, withTask);
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
    }

    /** Gives exactly {@code agents} distinct connected agents a new app status; returns their paths. */
    @Override
    public List<String> churn(int agents) {
        return randomActivity.churn(agents);
    }

    /** Counts of workspaces and agents by status. */
    @Override
    public Map<String, Object> summary() {
        Map<String, Object> summary = fleet.summary();
        summary.put("steps", randomActivity.steps());
        return summary;
    }

    // ---------------------------------------------------------------- faults

    /** Queues a fault: the next matching API requests answer with it. */
    @Override
    public void inject(Fault fault) {
        faults.add(fault);
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

    @Override
    public void close() {
        if (activity != null) {
            activity.shutdownNow();
        }
        server.stop(0);
        httpThreads.shutdownNow();
    }
}
