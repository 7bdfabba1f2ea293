package io.fleetevents.codersim.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultPlan;
import io.fleetevents.codersim.fleet.CoderVersion;
import io.fleetevents.codersim.fleet.FleetJson;
import io.fleetevents.codersim.fleet.WorkspaceQuery;
import io.fleetevents.codersim.watch.WatchHub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * Answers {@code /api/}: {@code GET /api/v2/workspaces} (q, limit, offset), {@code GET /api/v2/workspaces/{id}}
 * ({@code include_deleted}), {@code GET /api/v2/workspaceagents/{id}}, the Tasks list of the configured Coder version,
 * {@code GET /api/v2/buildinfo}, the per-workspace watch {@code GET /api/v2/workspaces/{id}/watch} (SSE; the
 * {@code /watch-ws} WebSocket variant is not served: the JDK HTTP server cannot upgrade a connection) and, while the
 * {@code workspace-build-updates} experiment is on, {@code GET /api/experimental/watch-all-workspacebuilds}. Checks the
 * session token the
 * way Coder looks it up (cookie, query, {@code Coder-Session-Token}, bearer), gzips when asked, and applies the
 * fault plan and latency first.
 */
public final class CoderApiHandler implements HttpHandler {

    private final FleetJson fleet;
    private final String token;
    private final FaultPlan faults;
    private final BooleanSupplier tasksApi;
    private final String sessionUser;
    private final AtomicLong requests = new AtomicLong();
    private final WatchHub watches;
    private final BooleanSupplier buildUpdatesExperiment;

    /**
     * @param tasksApi    whether the version's Tasks API is served at all
     * @param sessionUser the user the session token belongs to (an empty experimental Tasks query lists only theirs)
     */
    public CoderApiHandler(FleetJson fleet, String token, FaultPlan faults, BooleanSupplier tasksApi,
                           String sessionUser) {
        this(fleet, token, faults, tasksApi, sessionUser, null, () -> false);
    }

    /**
     * @param watches                the hub that takes over watch and build-stream requests (null: not served)
     * @param buildUpdatesExperiment whether {@code ExperimentWorkspaceBuildUpdates} is on
     */
    public CoderApiHandler(FleetJson fleet, String token, FaultPlan faults, BooleanSupplier tasksApi,
                           String sessionUser, WatchHub watches, BooleanSupplier buildUpdatesExperiment) {
        this.watches = watches;
        this.buildUpdatesExperiment = buildUpdatesExperiment;
        this.fleet = fleet;
        this.token = token;
        this.faults = faults;
        this.tasksApi = tasksApi;
        this.sessionUser = sessionUser;
    }

    /** How many API requests were answered (faults included). */
    public long requests() {
        return requests.get();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String streamPath = exchange.getRequestURI().getPath();
        if (watches != null && (streamPath.startsWith("/api/v2/workspaces/") && streamPath.endsWith("/watch")
                || streamPath.equals(BUILD_STREAM))) {
            if (!stream(exchange, streamPath)) {
                exchange.close();
            }
            return;
        }
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            sleep(faults.latency().toMillis());
            Optional<Fault> fault = faults.take(path, parseIntOr(query.get("offset"), 0));
            if (fault.isPresent()) {
                answerFault(exchange, fault.get(), path, query);
                return;
            }
            if (!authenticated(exchange, query)) {
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                error(exchange, 405, "Method not allowed.", "");
                return;
            }
            route(exchange, path, query);
        }
    }

    private static final String BUILD_STREAM = "/api/experimental/watch-all-workspacebuilds";

    /**
     * A watch or the build stream: faults aimed at it ({@link FaultPlan#takeForStream}) and authentication as for any
     * request (no added latency: it would hold an HTTP worker per stream), then the hub takes the exchange over.
     * Returns false when it answered here (the caller closes the exchange).
     */
    private boolean stream(HttpExchange exchange, String path) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Optional<Fault> fault = faults.takeForStream(path);
        if (fault.isPresent()) {
            answerFault(exchange, fault.get(), path, query);
            return false;
        }
        if (!authenticated(exchange, query)) {
            return false;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "Method not allowed.", "");
            return false;
        }
        if (path.equals(BUILD_STREAM)) {
            if (!buildUpdatesExperiment.getAsBoolean()) {
                error(exchange, 403, "Experiment \"workspace-build-updates\" is required but not enabled.", "");
                return false;
            }
            watches.openBuildStream(exchange);
            return true;
        }
        String id = path.substring("/api/v2/workspaces/".length(), path.length() - "/watch".length());
        UUID uuid = uuidOrNull(id);
        if (uuid == null) {
            error(exchange, 400, "Invalid workspace ID \"" + id + "\".", "");
            return false;
        }
        if (fleet.watchedWorkspace(uuid) == null) {
            error(exchange, 404, "Resource not found or you do not have access to this resource", "");
            return false;
        }
        watches.openWorkspaceWatch(exchange, uuid);
        return true;
    }

    private void route(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        if (path.equals("/api/v2/workspaces") || path.equals("/api/v2/workspaces/")) {
            listWorkspaces(exchange, query);
        } else if (path.startsWith("/api/v2/workspaces/")) {
            String id = path.substring("/api/v2/workspaces/".length());
            UUID uuid = uuidOrNull(id);
            if (uuid == null) {
                error(exchange, 400, "Invalid workspace ID \"" + id + "\".", "");
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            switch (fleet.writeWorkspace(body, uuid, "true".equals(query.get("include_deleted")))) {
                case FOUND -> send(exchange, 200, body.toByteArray());
                case DELETED -> error(exchange, 410, "Workspace \"" + uuid + "\" was deleted, you can view this workspace "
                        + "by specifying '?include_deleted=true' and trying again.", "");
                case MISSING -> error(exchange, 404, "Resource not found or you do not have access to this resource", "");
            }
        } else if (path.startsWith("/api/v2/workspaceagents/")) {
            String id = path.substring("/api/v2/workspaceagents/".length());
            UUID uuid = uuidOrNull(id);
            if (uuid == null) {
                error(exchange, 400, "Invalid UUID \"" + id + "\".", "");
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (fleet.writeAgent(body, uuid) == FleetJson.Found.FOUND) {
                send(exchange, 200, body.toByteArray());
            } else {
                error(exchange, 404, "Agent doesn't exist with that id, or you do not have access to it.", "");
            }
        } else if (path.equals("/api/v2/tasks") || path.equals("/api/experimental/tasks")) {
            listTasks(exchange, path, query);
        } else if (path.equals("/api/v2/buildinfo")) {
            send(exchange, 200, ("{\"external_url\":\"https://github.com/coder/coder\",\"version\":\""
                    + fleet.coderVersion().buildVersion() + "\","
                    + "\"dashboard_url\":\"\",\"telemetry\":false,\"workspace_proxy\":false,"
                    + "\"agent_api_version\":\"2.6\",\"provisioner_api_version\":\"1.4\",\"upgrade_message\":\"\","
                    + "\"deployment_id\":\"sim\"}").getBytes(StandardCharsets.UTF_8));
        } else {
            error(exchange, 404, "Route not found.", "");
        }
    }

    /**
     * The Tasks list the configured Coder version serves: GA {@code /api/v2/tasks} from 2.29, the experimental list of
     * 2.26–2.28 at {@code /api/experimental/tasks}; any other path, and both on main, answers 404 as an unknown route.
     */
    private void listTasks(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
        CoderVersion.TasksApi served = tasksApi.getAsBoolean() ? fleet.coderVersion().tasksApi() : CoderVersion.TasksApi.NONE;
        boolean ga = path.equals("/api/v2/tasks");
        if (served == CoderVersion.TasksApi.NONE || ga != (served == CoderVersion.TasksApi.GA)) {
            error(exchange, 404, "Route not found.", "");
            return;
        }
        if (faults.inOutage(path)) {
            error(exchange, 500, "Internal error fetching tasks.", "pq: canceling statement due to statement timeout");
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            if (ga) {
                fleet.writeTasks(body, query.get("q"));
            } else {
                fleet.writeExperimentalTasks(body, query.get("q"), sessionUser);
            }
        } catch (IllegalArgumentException e) {
            validation(exchange, "q", e.getMessage());
            return;
        }
        send(exchange, 200, body.toByteArray());
    }

    private static UUID uuidOrNull(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void listWorkspaces(HttpExchange exchange, Map<String, String> query) throws IOException {
        WorkspaceQuery q;
        int limit;
        int offset;
        try {
            q = WorkspaceQuery.parse(query.get("q"));
        } catch (IllegalArgumentException e) {
            validation(exchange, "q", e.getMessage());
            return;
        }
        try {
            limit = nonNegative(query.get("limit"), "limit");
            offset = nonNegative(query.get("offset"), "offset");
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().startsWith("limit") ? "limit" : "offset";
            validation(exchange, field, e.getMessage());
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        boolean gzip = acceptsGzip(exchange);
        if (gzip) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.sendResponseHeaders(200, 0);
        OutputStream raw = exchange.getResponseBody();
        OutputStream out = gzip ? fastGzip(raw) : new java.io.BufferedOutputStream(raw, 64 * 1024);
        try (out) {
            fleet.writeWorkspaceList(out, q, limit, offset);
        }
    }

    private void answerFault(HttpExchange exchange, Fault fault, String path, Map<String, String> query)
            throws IOException {
        switch (fault.kind()) {
            case SERVER_ERROR -> error(exchange, 500, "Internal error fetching workspaces.",
                    "pq: canceling statement due to statement timeout");
            case BAD_GATEWAY -> {
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                byte[] body = "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(502, body.length);
                exchange.getResponseBody().write(body);
            }
            case RATE_LIMITED -> {
                long seconds = Math.max(1, fault.retryAfter().toSeconds());
                exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
                exchange.getResponseHeaders().set("X-RateLimit-Limit", "512");
                exchange.getResponseHeaders().set("X-RateLimit-Remaining", "0");
                exchange.getResponseHeaders().set("X-RateLimit-Reset",
                        Long.toString(Instant.now().getEpochSecond() + seconds));
                error(exchange, 429, "You've been rate limited for sending more than 512 requests in 1m0s.", "");
            }
            case UNAUTHORIZED -> error(exchange, 401, "Invalid API key.",
                    "The API key has expired. Please re-authenticate.");
            case FORBIDDEN -> error(exchange, 403, "Forbidden.", "");
            case NOT_FOUND -> error(exchange, 404, "Route not found.", "");
            case GARBAGE -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, 200, "{\"workspaces\": [{\"id\": \"3f1c2a9e\", <<<garbage>>> \u0000\u0001"
                        .getBytes(StandardCharsets.UTF_8));
            }
            case TRUNCATED -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                if (path.startsWith("/api/v2/tasks")) {
                    fleet.writeTasks(body);
                } else {
                    fleet.writeWorkspaceList(body, WorkspaceQuery.ALL, parseIntOr(query.get("limit"), 0),
                            parseIntOr(query.get("offset"), 0));
                }
                byte[] all = body.toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                send(exchange, 200, java.util.Arrays.copyOf(all, Math.max(1, all.length / 2)));
            }
            case DISCONNECT -> {
                // promise a body, send none, and close: the client sees the connection drop mid-response
                exchange.sendResponseHeaders(200, 4096);
                exchange.getResponseBody().flush();
                throw new IOException("coder-sim: connection dropped on purpose (DISCONNECT fault)");
            }
        }
    }

    private boolean authenticated(HttpExchange exchange, Map<String, String> query) throws IOException {
        String presented = exchange.getRequestHeaders().getFirst("Coder-Session-Token");
        if (presented == null) {
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            if (cookie != null) {
                for (String part : cookie.split(";")) {
                    String p = part.trim();
                    if (p.startsWith("coder_session_token=")) {
                        presented = p.substring("coder_session_token=".length());
                    }
                }
            }
        }
        if (presented == null) {
            presented = query.get("coder_session_token");
        }
        if (presented == null) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                presented = auth.substring(7).trim();
            }
        }
        if (presented == null) {
            error(exchange, 401, "Cookie \"coder_session_token\" or query parameter must be provided.", "");
            return false;
        }
        if (!constantTimeEquals(presented, token)) {
            error(exchange, 401, "Invalid API key.", "The API key is invalid or has expired.");
            return false;
        }
        return true;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean acceptsGzip(HttpExchange exchange) {
        List<String> values = exchange.getRequestHeaders().get("Accept-Encoding");
        return values != null && values.stream().anyMatch(v -> v.toLowerCase().contains("gzip"));
    }

    private static int nonNegative(String value, String name) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < 0) {
                throw new IllegalArgumentException(name + " must be a non-negative integer");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was \"" + value + "\"");
        }
    }

    private static int parseIntOr(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void validation(HttpExchange exchange, String field, String detail) throws IOException {
        String body = "{\"message\":\"Invalid query parameters.\",\"detail\":\"\",\"validations\":[{\"field\":"
                + quote(field) + ",\"detail\":" + quote(detail) + "}]}";
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, 400, body.getBytes(StandardCharsets.UTF_8));
    }

    static void error(HttpExchange exchange, int status, String message, String detail) throws IOException {
        String body = "{\"message\":" + quote(message) + ",\"detail\":" + quote(detail) + "}";
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        if (status == 200 && body.length > 1024 && acceptsGzip(exchange)) {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(status, 0);
            try (OutputStream out = fastGzip(exchange.getResponseBody())) {
                out.write(body);
            }
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    /** gzip at level 1: the simulator shares its CPU with the poller it serves; a real Coder compresses elsewhere. */
    private static OutputStream fastGzip(OutputStream raw) throws IOException {
        return new GZIPOutputStream(raw, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        };
    }

    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
