package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.agents.AgentDirectory;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.broadcaster.capacity.CapacityHistory;
import io.fleetevents.broadcaster.capacity.CapacityProperties;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SubscriptionFilter;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.util.RawValue;

/** The five tools. Each call authenticates on its own (the caller comes with the HTTP request), keeps no state. */
final class FleetTools {

    static final String CALLER = "fleet.caller";
    private static final Duration LIST_BACKSTOP = Duration.ofSeconds(30);

    private final McpJsonMapper json;
    private final Subscriptions subscriptions;
    private final AgentDirectory agents;
    private final CapacityHistory capacity;
    private final CapacityProperties capacityConfig;
    private final McpProperties config;
    private final ToolLimits limits;
    private final McpMetrics metrics;
    private final ScheduledExecutorService timer;
    private final AtomicLong ids = new AtomicLong();

    FleetTools(McpJsonMapper json, Subscriptions subscriptions, AgentDirectory agents, CapacityHistory capacity,
               CapacityProperties capacityConfig, McpProperties config, ToolLimits limits, McpMetrics metrics,
               ScheduledExecutorService timer) {
        this.json = json;
        this.subscriptions = subscriptions;
        this.agents = agents;
        this.capacity = capacity;
        this.capacityConfig = capacityConfig;
        this.config = config;
        this.limits = limits;
        this.metrics = metrics;
        this.timer = timer;
    }

    List<AsyncToolSpecification> specifications() {
        return List.of(
                tool("wait_for_events", "Wait for fleet events",
                        "Long-poll for events about the agent fleet (failures, task completions, connects, capacity warnings). "
                                + "Returns at once when events matching the filter exist after the cursor, else waits up to "
                                + "timeout_seconds. Loop on it: always pass the cursor from the previous answer, unchanged; an "
                                + "empty answer is normal (call again with its cursor). With that, you never miss or repeat an "
                                + "event, even across restarts. Omit cursor only on the first call (starts from now).",
                        ToolSchemas.WAIT_INPUT.formatted(ToolSchemas.FILTER, config.maxTimeoutSeconds(), config.maxEvents()),
                        ToolSchemas.EVENTS_OUTPUT, this::waitForEvents),
                tool("list_events", "List past fleet events",
                        "Read a page of past events from a cursor, an RFC 3339 time or \"earliest\" (7 days of retention), "
                                + "without waiting. Page with the returned cursor while has_more is true. To follow new events "
                                + "as they happen, use wait_for_events with the same cursor.",
                        ToolSchemas.LIST_INPUT.formatted(ToolSchemas.FILTER, config.maxListLimit()),
                        ToolSchemas.EVENTS_OUTPUT, this::listEvents),
                tool("list_agents", "List agents now",
                        "The current state of the agents this token may see: status, lifecycle, workspace build, latest "
                                + "task state and message, last event. Filter by agent patterns, status (e.g. disconnected), "
                                + "lifecycle_state or task_state (e.g. idle to find agents free for work).",
                        ToolSchemas.LIST_AGENTS_INPUT.formatted(config.maxListLimit()),
                        ToolSchemas.LIST_AGENTS_OUTPUT.formatted(ToolSchemas.AGENT), this::listAgents),
                tool("get_agent", "Get one agent",
                        "The current state of one agent, by path (owner/workspace.agent), key (workspace_id/agent) or agent UUID.",
                        ToolSchemas.GET_AGENT_INPUT, ToolSchemas.GET_AGENT_OUTPUT.formatted(ToolSchemas.AGENT), this::getAgent),
                tool("get_fleet_capacity", "Get fleet capacity",
                        "The latest utilisation samples (working / connected agents, pending builds) of the fleet, an "
                                + "organization or a template, as far as this token may see them.",
                        ToolSchemas.CAPACITY_INPUT, ToolSchemas.CAPACITY_OUTPUT, this::fleetCapacity));
    }

    private AsyncToolSpecification tool(String name, String title, String description, String input, String output,
                                        Function<Call, Mono<CallToolResult>> handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).title(title).description(description)
                .inputSchema(json, input).outputSchema(json, output)
                .annotations(new McpSchema.ToolAnnotations(title, true, false, true, false, null)).build();
        return AsyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
            Caller caller = caller(exchange);
            if (caller == null) {
                metrics.call(name, "unauthenticated");
                return Mono.just(error("authentication required: send 'Authorization: Bearer <token>'"));
            }
            String refused = limits.tryCall(caller.name());
            if (refused != null) {
                metrics.call(name, "refused");
                return Mono.just(error(refused));
            }
            try {
                return handler.apply(new Call(caller, new ToolArguments(request.arguments())))
                        .doOnNext(r -> metrics.call(name, Boolean.TRUE.equals(r.isError()) ? "error" : "ok"))
                        .onErrorResume(e -> {
                            metrics.call(name, "failed");
                            return Mono.just(error(e.getMessage()));
                        });
            } catch (ToolArgumentException | IllegalArgumentException | Subscriptions.NotReadyException e) {
                metrics.call(name, "error");
                return Mono.just(error(e.getMessage()));
            }
        }).build();
    }

    static Caller caller(McpAsyncServerExchange exchange) {
        Object value = exchange.transportContext() == null ? null : exchange.transportContext().get(CALLER);
        return value instanceof Caller c ? c : null;
    }

    record Call(Caller caller, ToolArguments args) {
    }

    // ---- events

    private Mono<CallToolResult> waitForEvents(Call call) {
        SubscriptionFilter filter = call.args().filter("filter");
        ReplayStart start = call.args().cursor("cursor");
        int timeout = call.args().integer("timeout_seconds", Math.min(30, config.maxTimeoutSeconds()), 0, config.maxTimeoutSeconds());
        int maxEvents = call.args().integer("max_events", Math.min(100, config.maxEvents()), 1, config.maxEvents());
        String refused = limits.tryWait(call.caller().name());
        if (refused != null) {
            return Mono.just(error(refused));
        }
        long started = System.nanoTime();
        metrics.waitStarted();
        CompletableFuture<EventPage> page;
        try {
            page = query(call.caller(), filter, start, maxEvents, Duration.ofSeconds(timeout));
        } catch (RuntimeException e) {
            limits.waitEnded(call.caller().name());
            metrics.waitEnded(Duration.ofNanos(System.nanoTime() - started), false);
            throw e;
        }
        page.whenComplete((p, e) -> {
            limits.waitEnded(call.caller().name());
            metrics.waitEnded(Duration.ofNanos(System.nanoTime() - started), p != null && !p.eventsJson().isEmpty());
        });
        return Mono.fromFuture(page).publishOn(Schedulers.boundedElastic()).map(this::eventsResult);
    }

    private Mono<CallToolResult> listEvents(Call call) {
        SubscriptionFilter filter = call.args().filter("filter");
        ReplayStart start = call.args().from("from");
        int limit = call.args().integer("limit", Math.min(100, config.maxListLimit()), 1, config.maxListLimit());
        return Mono.fromFuture(query(call.caller(), filter, start, limit, Duration.ZERO))
                .publishOn(Schedulers.boundedElastic()).map(this::eventsResult);
    }

    /** Opens a short-lived subscription, as the long-poll endpoint does, and answers with what it collected. */
    CompletableFuture<EventPage> query(Caller caller, SubscriptionFilter filter, ReplayStart start, int limit, Duration wait) {
        EventCollector collector = new EventCollector(limit, !wait.isZero(), subscriptions);
        Subscription subscription = subscriptions.open("mcp-" + ids.incrementAndGet(), caller, filter, start, collector);
        collector.attach(subscription);
        if (wait.isZero() && (subscription.isLive() || subscription.isClosed())) {
            collector.complete();
        } else {
            // at the deadline the position is exact whatever state the replay is in; without a wait it is a backstop
            Duration deadline = wait.isZero() ? LIST_BACKSTOP : wait;
            ScheduledFuture<?> scheduled = timer.schedule(collector::complete, deadline.toMillis(), TimeUnit.MILLISECONDS);
            collector.result().whenComplete((p, e) -> scheduled.cancel(false));
        }
        return collector.result();
    }

    private CallToolResult eventsResult(EventPage page) {
        StringBuilder body = new StringBuilder(64 + page.eventsJson().size() * 600).append("{\"events\":[");
        for (int i = 0; i < page.eventsJson().size(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append(page.eventsJson().get(i));
        }
        body.append("],\"cursor\":\"").append(page.cursor()).append("\",\"has_more\":").append(page.hasMore())
                .append(",\"gap\":").append(page.gapEarliest() != null);
        if (page.gapEarliest() != null) {
            body.append(",\"gap_earliest_cursor\":\"").append(page.gapEarliest()).append('"');
        }
        body.append('}');
        StringBuilder text = new StringBuilder();
        int n = page.eventsJson().size();
        text.append(n).append(n == 1 ? " event" : " events");
        if (page.hasMore()) {
            text.append(" (page full: more may be waiting, call again at once)");
        }
        if (page.gapEarliest() != null) {
            text.append(" (GAP: retention already deleted part of the range)");
        }
        text.append(". Next cursor: ").append(page.cursor());
        for (int i = 0; i < Math.min(n, 20); i++) {
            JsonNode event = FleetJson.mapper().readTree(page.eventsJson().get(i));
            JsonNode agent = event.path("agent");
            text.append("\n- ").append(event.path("severity").asString("")).append(' ')
                    .append(event.path("event_type").asString("")).append(' ')
                    .append(agent.path("path").asString(agent.path("key").asString(""))).append(": ")
                    .append(event.path("message").asString("")).append(" (").append(event.path("timestamp").asString(""))
                    .append(", event_id ").append(event.path("event_id").asString("")).append(')');
        }
        if (n > 20) {
            text.append("\n… and ").append(n - 20).append(" more in the structured content");
        }
        return CallToolResult.builder().structuredContent(new RawValue(body.toString())).addTextContent(text.toString()).build();
    }

    // ---- agents

    private Mono<CallToolResult> listAgents(Call call) {
        Map<?, ?> filter = call.args().object("filter");
        List<AgentPattern> patterns = new ArrayList<>();
        for (String text : ToolArguments.strings(filter, "agent_ids", "filter")) {
            try {
                patterns.add(new AgentPattern(text));
            } catch (IllegalArgumentException e) {
                throw new ToolArgumentException("filter.agent_ids", e.getMessage());
            }
        }
        List<String> statuses = ToolArguments.strings(filter, "status", "filter");
        List<String> lifecycles = ToolArguments.strings(filter, "lifecycle_state", "filter");
        List<String> taskStates = ToolArguments.strings(filter, "task_state", "filter");
        int limit = call.args().integer("limit", Math.min(100, config.maxListLimit()), 1, config.maxListLimit());
        TokenScope scope = call.caller().scope();
        List<FleetAgent> matching = agents.select(agent -> scope.permits(agent.route())
                && (patterns.isEmpty() || patterns.stream().anyMatch(p -> p.matches(agent.route())))
                && (statuses.isEmpty() || statuses.contains(agent.status()))
                && (lifecycles.isEmpty() || lifecycles.contains(agent.lifecycleState()))
                && (taskStates.isEmpty() || agent.task() != null && taskStates.contains(agent.task().state())));
        matching.sort(Comparator.comparing((FleetAgent a) -> a.agent().path() == null ? "" : a.agent().path())
                .thenComparing(FleetAgent::key));
        List<FleetAgent> page = matching.size() > limit ? matching.subList(0, limit) : matching;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agents", page);
        body.put("total", matching.size());
        body.put("truncated", matching.size() > limit);
        StringBuilder text = new StringBuilder().append(matching.size()).append(matching.size() == 1 ? " agent" : " agents");
        if (!agents.isReady()) {
            text.append(" (this instance is still loading fleet.agents: the list may be incomplete)");
        }
        for (FleetAgent agent : page.subList(0, Math.min(page.size(), 30))) {
            text.append("\n- ").append(describe(agent));
        }
        if (page.size() > 30) {
            text.append("\n… and ").append(page.size() - 30).append(" more in the structured content");
        }
        return Mono.just(result(body, text.toString()));
    }

    private Mono<CallToolResult> getAgent(Call call) {
        String identity = call.args().string("agent");
        if (identity == null || identity.isBlank()) {
            throw new ToolArgumentException("agent", "is required: a path such as alice/ws.main, a key or an agent UUID");
        }
        FleetAgent agent = agents.find(identity.trim());
        if (agent == null || !call.caller().scope().permits(agent.route())) {
            // the same answer whether the agent does not exist or the token may not see it
            return Mono.just(error("argument 'agent': no agent '" + identity + "' visible to this token"
                    + (agents.isReady() ? "" : " (this instance is still loading fleet.agents)")));
        }
        return Mono.just(result(Map.of("agent", agent), describe(agent)));
    }

    static String describe(FleetAgent agent) {
        StringBuilder b = new StringBuilder();
        b.append(agent.agent().path() != null ? agent.agent().path() : agent.key()).append(": ")
                .append(agent.status() == null ? "no agent" : agent.status());
        if (agent.lifecycleState() != null) {
            b.append('/').append(agent.lifecycleState());
        }
        if (agent.workspace() != null && agent.workspace().buildStatus() != null) {
            b.append(", build ").append(agent.workspace().buildStatus());
        }
        if (agent.task() != null) {
            b.append(", task ").append(agent.task().state());
            if (agent.task().message() != null) {
                b.append(" \"").append(agent.task().message()).append('"');
            }
        }
        if (agent.lastEvent() != null) {
            b.append(", last event ").append(agent.lastEvent().eventType()).append(" at ").append(agent.lastEvent().timestamp());
        }
        return b.toString();
    }

    // ---- capacity

    /** Whether {@code scope} may see capacity of {@code capacityScope}: as {@code GET /api/capacity} decides. */
    static boolean maySeeCapacity(TokenScope scope, String capacityScope) {
        return scope.isWholeFleet()
                || capacityScope.startsWith("org/") && scope.organizations().contains(capacityScope.substring(4));
    }

    private Mono<CallToolResult> fleetCapacity(Call call) {
        String scope = call.args().string("scope");
        List<CapacitySample> samples = capacitySamples(call.caller().scope(), scope);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("samples", samples);
        body.put("warning_threshold", capacityConfig.warningThreshold());
        StringBuilder text = new StringBuilder();
        if (samples.isEmpty()) {
            text.append("No capacity sample visible to this token").append(scope == null ? "" : " for scope " + scope)
                    .append(" (capacity scopes are fleet, org/<name>, template/<name>)");
        }
        for (CapacitySample s : samples) {
            text.append(text.length() == 0 ? "" : "\n").append(s.scope()).append(": ").append(s.workingAgents()).append('/')
                    .append(s.connectedAgents()).append(" connected agents working (")
                    .append(Math.round(s.utilisation() * 100)).append(" %), ").append(s.pendingBuilds())
                    .append(" pending builds, at ").append(s.observedAt());
        }
        return Mono.just(result(body, text.toString()));
    }

    /** The latest sample of {@code scope} (or of every scope when null) that {@code tokenScope} may see. */
    List<CapacitySample> capacitySamples(TokenScope tokenScope, String scope) {
        if (scope != null && !scope.isBlank()) {
            if (!scope.equals("fleet") && !scope.startsWith("org/") && !scope.startsWith("template/")) {
                throw new ToolArgumentException("scope", "must be 'fleet', 'org/<name>' or 'template/<name>', was '" + scope + "'");
            }
            CapacitySample latest = maySeeCapacity(tokenScope, scope) ? capacity.latest(scope) : null;
            return latest == null ? List.of() : List.of(latest);
        }
        List<CapacitySample> out = new ArrayList<>();
        for (String s : capacity.scopes()) {
            CapacitySample latest = maySeeCapacity(tokenScope, s) ? capacity.latest(s) : null;
            if (latest != null) {
                out.add(latest);
            }
        }
        return out;
    }

    /**
     * The structured content goes to the SDK as raw JSON, written once with the schemas' mapper and copied as is into
     * the response: no map in between, no second serialization.
     */
    private CallToolResult result(Object body, String text) {
        return CallToolResult.builder().structuredContent(new RawValue(FleetJson.mapper().writeValueAsString(body)))
                .addTextContent(text).build();
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder().isError(true).addTextContent(message == null ? "internal error" : message).build();
    }
}
