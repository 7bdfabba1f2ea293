package io.fleetevents.codersim.control;

import io.fleetevents.codersim.fault.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the control API can do to a running simulator: the port the {@link ControlApiHandler} drives, so that the
 * control package never sees the simulator's wiring. Paths are {@code owner/workspace} and {@code owner/workspace.agent};
 * unknown ones throw {@link java.util.NoSuchElementException}, bad arguments {@link IllegalArgumentException}.
 */
public interface SimControl {

    Map<String, Object> summary();

    List<String> agentPaths();

    List<String> workspacePaths();

    void connectAgent(String agentPath);

    void disconnectAgent(String agentPath);

    void timeoutAgent(String agentPath);

    void setLifecycle(String agentPath, String lifecycle);

    void reportAppStatus(String agentPath, String state, String message);

    void completeTask(String agentPath, String message);

    void failTask(String agentPath, String message);

    void setAppHealth(String agentPath, String health);

    String createWorkspace(String owner, String name, String template, boolean subAgent, boolean withTask);

    void failBuild(String workspacePath, String error);

    void stopWorkspace(String workspacePath);

    void startWorkspace(String workspacePath);

    void deleteWorkspace(String workspacePath);

    void step(int steps);

    List<String> churn(int agents);

    void inject(Fault fault);

    void latency(Duration latency);

    void clearFaults();

    void tasksApi(boolean enabled);

    void killAgent(String agentPath);

    UUID recreateDevcontainer(String subAgentPath, Duration gap);

    int coderdRestart(Duration spread, Duration minDown, Duration maxDown);

    void beginBuild(String workspacePath, String transition, String shutdownOutcome, boolean queued);

    void finishBuild(String workspacePath, boolean succeeded, String error, boolean connect);

    void restartWorkspace(String workspacePath);

    List<String> createPrebuilds(String template, int count);

    String claimPrebuild(String template, String owner, String name, boolean withTask);

    /** Null: until {@link #recoverTasksApi}. */
    void failTasksApi(Duration duration);

    void recoverTasksApi();

    UUID agentId(String agentPath);

    UUID workspaceId(String workspacePath);

    /** Ends every open watch and build stream; returns how many were open. */
    int dropWatches();

    void buildUpdatesExperiment(boolean enabled);

    Map<String, Object> watchStats();

    /** Null: no webhooks. */
    void webhookEndpoint(java.net.URI endpoint);

    /** Null when no endpoint is set. */
    UUID sendNotification(String workspacePath, String kind);

    int redeliverNotification(UUID messageId);
}
