package io.fleetevents.codersim.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The control API, JSON in and out. Unauthenticated on purpose: coder-sim is a test and demo tool; bind it to
 * localhost (the default) where that matters.
 *
 * <pre>
 * GET    /sim/state                                   counts by status
 * GET    /sim/agents | /sim/workspaces                paths in list order
 * POST   /sim/agents/{owner}/{ws}.{agent}/connect | disconnect | timeout
 * POST   /sim/agents/{path}/lifecycle    {"lifecycle": "start_error"}
 * POST   /sim/agents/{path}/app-status   {"state": "working", "message": "..."}
 * POST   /sim/agents/{path}/complete-task | fail-task  {"message": "..."}
 * POST   /sim/agents/{path}/app-health   {"health": "unhealthy"}
 * POST   /sim/workspaces                 {"owner","name","template","sub_agent","task"}
 * POST   /sim/workspaces/{owner}/{ws}/fail-build {"error": "..."} | stop | start | delete
 * POST   /sim/faults                     {"kind": "SERVER_ERROR", "count": 3, "path_prefix": "/api/v2/workspaces",
 *                                          "min_offset": 0, "retry_after_seconds": 60}
 * DELETE /sim/faults                     clears faults and latency
 * POST   /sim/latency                    {"millis": 500}
 * POST   /sim/step                       {"steps": 10}
 * POST   /sim/churn                      {"agents": 100}
 * POST   /sim/tasks-api                  {"enabled": false}
 * POST   /sim/tasks-api/fail             {"seconds": 30}  (no seconds: until DELETE /sim/tasks-api/fail)
 * POST   /sim/agents/{path}/kill | recreate {"gap_seconds": 5} | id
 * POST   /sim/coderd-restart             {"spread_seconds": 10, "min_down_seconds": 2, "max_down_seconds": 12}
 * POST   /sim/workspaces/{owner}/{ws}/restart | begin-build {"transition","shutdown","queued"}
 *                                         | finish-build {"result","error","connect"}
 * POST   /sim/prebuilds                  {"template": "claude-code", "count": 2}
 * POST   /sim/prebuilds/claim            {"template", "owner", "name", "task"}
 * GET    /sim/watches                    open watches and build streams
 * POST   /sim/watches/drop               ends every open watch and build stream
 * POST   /sim/build-updates-experiment   {"enabled": false}
 * POST   /sim/webhook                    {"url": "http://poller:8081/api/coder/webhook?secret=..."} (null: off)
 * POST   /sim/webhook/send               {"workspace": "alice/ws", "kind": "workspace-deleted"}
 * POST   /sim/webhook/redeliver          {"message_id": "..."}
 * </pre>
 * Unknown agents or workspaces answer 404, bad arguments 400, both with {@code {"message": ...}}.
 */
public final class ControlApiHandler implements HttpHandler {

    private final SimControl sim;
    private final JsonMapper json = JsonMapper.builder().build();

    public ControlApiHandler(SimControl sim) {
        this.sim = sim;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Object result;
            try {
                result = dispatch(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        body(exchange.getRequestBody()));
            } catch (NoSuchElementException e) {
                reply(exchange, 404, Map.of("message", e.getMessage()));
                return;
            } catch (IllegalArgumentException | JacksonException e) {
                reply(exchange, 400, Map.of("message", e.getMessage()));
                return;
            }
            reply(exchange, 200, result);
        }
    }

    private JsonNode body(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        return json.readTree(bytes);
    }

    private Object dispatch(String method, String path, JsonNode body) {
        String rest = path.substring("/sim/".length());
        if ("GET".equals(method)) {
            return switch (rest) {
                case "state" -> sim.summary();
                case "agents" -> sim.agentPaths();
                case "workspaces" -> sim.workspacePaths();
                case "watches" -> sim.watchStats();
                default -> throw new NoSuchElementException("no control resource GET " + path);
            };
        }
        if ("DELETE".equals(method) && rest.equals("faults")) {
            sim.clearFaults();
            return ok();
        }
        if ("DELETE".equals(method) && rest.equals("tasks-api/fail")) {
            sim.recoverTasksApi();
            return ok();
        }
        if (!"POST".equals(method)) {
            throw new IllegalArgumentException("method " + method + " not supported on " + path);
        }
        switch (rest) {
            case "faults" -> {
                FaultKind kind = FaultKind.valueOf(text(body, "kind", null).toUpperCase(Locale.ROOT));
                sim.inject(new Fault(kind, body.path("count").asInt(1), text(body, "path_prefix", "/api/"),
                        body.path("min_offset").asInt(0),
                        Duration.ofSeconds(body.path("retry_after_seconds").asLong(60))));
                return ok();
            }
            case "latency" -> {
                sim.latency(Duration.ofMillis(body.path("millis").asLong(0)));
                return ok();
            }
            case "step" -> {
                sim.step(body.path("steps").asInt(1));
                return sim.summary();
            }
            case "churn" -> {
                return sim.churn(body.path("agents").asInt(1));
            }
            case "tasks-api" -> {
                sim.tasksApi(body.path("enabled").asBoolean(true));
                return ok();
            }
            case "tasks-api/fail" -> {
                JsonNode seconds = body.path("seconds");
                sim.failTasksApi(seconds.isMissingNode() || seconds.isNull() ? null : Duration.ofMillis(
                        (long) (seconds.asDouble() * 1000)));
                return ok();
            }
            case "watches/drop" -> {
                return Map.of("dropped", sim.dropWatches());
            }
            case "build-updates-experiment" -> {
                sim.buildUpdatesExperiment(body.path("enabled").asBoolean(true));
                return ok();
            }
            case "webhook" -> {
                JsonNode url = body.path("url");
                sim.webhookEndpoint(url.isMissingNode() || url.isNull() ? null : java.net.URI.create(url.asString()));
                return ok();
            }
            case "webhook/send" -> {
                java.util.UUID id = sim.sendNotification(text(body, "workspace", null), text(body, "kind", null));
                Map<String, Object> out = ok();
                out.put("message_id", id == null ? null : id.toString());
                return out;
            }
            case "webhook/redeliver" -> {
                return Map.of("status", sim.redeliverNotification(java.util.UUID.fromString(text(body, "message_id",
                        null))));
            }
            case "coderd-restart" -> {
                int agents = sim.coderdRestart(seconds(body, "spread_seconds", 10), seconds(body, "min_down_seconds", 2),
                        seconds(body, "max_down_seconds", 12));
                return Map.of("agents", agents);
            }
            case "prebuilds" -> {
                return Map.of("workspaces", sim.createPrebuilds(text(body, "template", "claude-code"),
                        body.path("count").asInt(1)));
            }
            case "prebuilds/claim" -> {
                String claimed = sim.claimPrebuild(text(body, "template", "claude-code"), text(body, "owner", null),
                        text(body, "name", null), body.path("task").asBoolean(false));
                return Map.of("workspace", claimed, "workspace_id", sim.workspaceId(claimed).toString());
            }
            case "workspaces" -> {
                String created = sim.createWorkspace(text(body, "owner", null), text(body, "name", null),
                        text(body, "template", "claude-code"), body.path("sub_agent").asBoolean(false),
                        body.path("task").asBoolean(true));
                return Map.of("workspace", created);
            }
            default -> {
                // fall through to the path-addressed operations
            }
        }
        int lastSlash = rest.lastIndexOf('/');
        if (lastSlash < 0) {
            throw new NoSuchElementException("no control resource POST " + path);
        }
        String action = rest.substring(lastSlash + 1);
        String target = rest.substring(0, lastSlash);
        if (target.startsWith("agents/")) {
            String agent = target.substring("agents/".length());
            switch (action) {
                case "connect" -> sim.connectAgent(agent);
                case "disconnect" -> sim.disconnectAgent(agent);
                case "timeout" -> sim.timeoutAgent(agent);
                case "lifecycle" -> sim.setLifecycle(agent, text(body, "lifecycle", null));
                case "app-status" -> sim.reportAppStatus(agent, text(body, "state", null), text(body, "message", ""));
                case "complete-task" -> sim.completeTask(agent, text(body, "message", "Task complete"));
                case "fail-task" -> sim.failTask(agent, text(body, "message", "Task failed"));
                case "app-health" -> sim.setAppHealth(agent, text(body, "health", null));
                case "kill" -> sim.killAgent(agent);
                case "recreate" -> {
                    return Map.of("agent_id", sim.recreateDevcontainer(agent, seconds(body, "gap_seconds", 0)).toString());
                }
                case "id" -> {
                    return Map.of("agent_id", sim.agentId(agent).toString());
                }
                default -> throw new NoSuchElementException("no agent action '" + action + "'");
            }
            return ok();
        }
        if (target.startsWith("workspaces/")) {
            String ws = target.substring("workspaces/".length());
            switch (action) {
                case "fail-build" -> sim.failBuild(ws, text(body, "error", null));
                case "stop" -> sim.stopWorkspace(ws);
                case "start" -> sim.startWorkspace(ws);
                case "delete" -> sim.deleteWorkspace(ws);
                case "restart" -> sim.restartWorkspace(ws);
                case "begin-build" -> sim.beginBuild(ws, text(body, "transition", null), text(body, "shutdown", "off"),
                        body.path("queued").asBoolean(false));
                case "finish-build" -> {
                    String result = text(body, "result", "succeeded");
                    if (!result.equals("succeeded") && !result.equals("failed")) {
                        throw new IllegalArgumentException("body field 'result' must be succeeded or failed, was '"
                                + result + "'");
                    }
                    sim.finishBuild(ws, result.equals("succeeded"), text(body, "error", ""),
                            body.path("connect").asBoolean(true));
                }
                default -> throw new NoSuchElementException("no workspace action '" + action + "'");
            }
            return ok();
        }
        throw new NoSuchElementException("no control resource POST " + path);
    }

    private static Duration seconds(JsonNode body, String field, double fallback) {
        JsonNode node = body.path(field);
        double value = node.isMissingNode() || node.isNull() ? fallback : node.asDouble();
        if (value < 0) {
            throw new IllegalArgumentException("body field '" + field + "' must be >= 0, was " + value);
        }
        return Duration.ofMillis((long) (value * 1000));
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("body field '" + field + "' is required");
            }
            return fallback;
        }
        return node.asString();
    }

    private static Map<String, Object> ok() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        return out;
    }

    private void reply(HttpExchange exchange, int status, Object value) throws IOException {
        byte[] bytes = json.writeValueAsBytes(value);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
