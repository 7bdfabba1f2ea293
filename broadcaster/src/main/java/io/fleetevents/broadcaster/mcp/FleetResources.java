package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.agents.AgentChange;
import io.fleetevents.broadcaster.agents.AgentDirectory;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.FleetJson;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * {@code fleet://capacity} and {@code fleet://agents/{path}}. Reads check the caller's scope like the tools. After
 * {@code resources/subscribe}, a change of the record sends {@code notifications/resources/updated} to the sessions
 * this instance holds — a hint to read again, lossy by nature (no replay, many clients drop it); the cursor of
 * {@code wait_for_events} is the reliable signal.
 */
final class FleetResources {

    static final String CAPACITY_URI = "fleet://capacity";
    static final String AGENTS_PREFIX = "fleet://agents/";

    private final FleetTools tools;
    private final AgentDirectory agents;

    FleetResources(FleetTools tools, AgentDirectory agents) {
        this.tools = tools;
        this.agents = agents;
    }

    AsyncResourceSpecification capacity() {
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(CAPACITY_URI).name("fleet-capacity")
                .title("Fleet capacity").mimeType("application/json")
                .description("The latest capacity sample of every scope this token may see (fleet, org/<name>, template/<name>).")
                .build();
        return new AsyncResourceSpecification(resource, (exchange, request) -> {
            Caller caller = FleetTools.caller(exchange);
            if (caller == null) {
                return Mono.error(new IllegalStateException("authentication required"));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("samples", tools.capacitySamples(caller.scope(), null));
            return Mono.just(text(CAPACITY_URI, FleetJson.mapper().writeValueAsString(body)));
        });
    }

    AsyncResourceTemplateSpecification agent() {
        McpSchema.ResourceTemplate template = McpSchema.ResourceTemplate.builder()
                .uriTemplate(AGENTS_PREFIX + "{owner}/{workspace_agent}").name("fleet-agent").title("One agent now")
                .mimeType("application/json")
                .description("The current state of one agent (FleetAgent JSON): fleet://agents/<owner>/<workspace>.<agent>.")
                .build();
        return new AsyncResourceTemplateSpecification(template, (exchange, request) -> {
            Caller caller = FleetTools.caller(exchange);
            String uri = request.uri();
            String path = uri.startsWith(AGENTS_PREFIX) ? uri.substring(AGENTS_PREFIX.length()) : "";
            FleetAgent agent = agents.find(path);
            if (caller == null || agent == null || !caller.scope().permits(agent.route())) {
                return Mono.error(McpError.RESOURCE_NOT_FOUND.apply(uri));
            }
            return Mono.just(text(uri, FleetJson.mapper().writeValueAsString(agent)));
        });
    }

    /** Sends the update hints; called on the followers' threads, never blocks them. */
    void wire(McpAsyncServer server, io.fleetevents.broadcaster.capacity.CapacityHistory capacity) {
        agents.addListener((AgentChange change) -> {
            FleetAgent any = change.current() != null ? change.current() : change.previous();
            if (any != null && any.agent().path() != null) {
                server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(AGENTS_PREFIX + any.agent().path()))
                        .subscribe(v -> { }, e -> { });
            }
        });
        capacity.addListener(sample -> server.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(CAPACITY_URI))
                .subscribe(v -> { }, e -> { }));
    }

    private static McpSchema.ReadResourceResult text(String uri, String json) {
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, "application/json", json)));
    }
}
