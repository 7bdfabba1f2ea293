package io.fleetevents.reliability.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** coder-sim's HTTP control API ({@code /sim/…}, docs/coder-sim.md): scripted transitions and faults. */
public final class CoderSimControl {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String base;

    CoderSimControl(String base) {
        this.base = base;
    }

    /** A running workspace with one connected, ready agent {@code main} (no Task); returns its path owner/name. */
    public String createWorkspace(String owner, String name) {
        return createWorkspace(owner, name, false);
    }

    /** As {@link #createWorkspace(String, String)}; with {@code task}, the workspace also has a Coder Task. */
    public String createWorkspace(String owner, String name, boolean task) {
        post("/sim/workspaces", "{\"owner\":\"" + owner + "\",\"name\":\"" + name
                + "\",\"template\":\"claude-code\",\"sub_agent\":false,\"task\":" + task + "}");
        return owner + "/" + name;
    }

    public void disconnect(String agentPath) {
        post("/sim/agents/" + agentPath + "/disconnect", "{}");
    }

    /** The agent dies without closing its connection: its pings stop and it stays down until {@link #connect}. */
    public void kill(String agentPath) {
        post("/sim/agents/" + agentPath + "/kill", "{}");
    }

    public void connect(String agentPath) {
        post("/sim/agents/" + agentPath + "/connect", "{}");
    }

    public void completeTask(String agentPath) {
        post("/sim/agents/" + agentPath + "/complete-task", "{\"message\":\"done\"}");
    }

    public void failTask(String agentPath) {
        post("/sim/agents/" + agentPath + "/fail-task", "{\"message\":\"tests still red\"}");
    }

    public void deleteWorkspace(String workspacePath) {
        post("/sim/workspaces/" + workspacePath + "/delete", "{}");
    }

    public void stopWorkspace(String workspacePath) {
        post("/sim/workspaces/" + workspacePath + "/stop", "{}");
    }

    public void startWorkspace(String workspacePath) {
        post("/sim/workspaces/" + workspacePath + "/start", "{}");
    }

    /** The next {@code count} API requests whose path starts with {@code pathPrefix} and offset ≥ minOffset fail. */
    public void fault(String kind, int count, String pathPrefix, int minOffset) {
        post("/sim/faults", "{\"kind\":\"" + kind + "\",\"count\":" + count + ",\"path_prefix\":\"" + pathPrefix
                + "\",\"min_offset\":" + minOffset + ",\"retry_after_seconds\":1}");
    }

    public void clearFaults() {
        send(HttpRequest.newBuilder(URI.create(base + "/sim/faults")).DELETE().build());
    }

    /**
     * A rolling restart of coderd: every connected agent's connection closes at a random moment within
     * {@code spread} and reopens {@code minDown..maxDown} later. Returns how many agents it disconnects.
     */
    public int coderdRestart(Duration spread, Duration minDown, Duration maxDown) {
        String answer = post("/sim/coderd-restart", "{\"spread_seconds\":" + spread.toSeconds()
                + ",\"min_down_seconds\":" + minDown.toSeconds() + ",\"max_down_seconds\":" + maxDown.toSeconds() + "}");
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"agents\"\\s*:\\s*(\\d+)").matcher(answer);
        if (!count.find()) {
            throw new IllegalStateException("coder-sim coderd-restart answered " + answer);
        }
        return Integer.parseInt(count.group(1));
    }

    /** Both Tasks API paths answer 500 until {@link #restoreTasksApi()}. */
    public void failTasksApi() {
        post("/sim/tasks-api/fail", "{}");
    }

    public void restoreTasksApi() {
        send(HttpRequest.newBuilder(URI.create(base + "/sim/tasks-api/fail")).DELETE().build());
    }

    public void latency(Duration latency) {
        post("/sim/latency", "{\"millis\":" + latency.toMillis() + "}");
    }

    private String post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("coder-sim " + request.method() + " " + request.uri() + " → "
                        + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
