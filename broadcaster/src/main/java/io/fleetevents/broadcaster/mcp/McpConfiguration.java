package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.agents.AgentDirectory;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.capacity.CapacityHistory;
import io.fleetevents.broadcaster.capacity.CapacityProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/** The MCP server: the SDK's servlet Streamable HTTP transport at {@code fleet.broadcaster.mcp.path}, behind the token filter. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(McpProperties.class)
@ConditionalOnProperty(name = "fleet.broadcaster.mcp.enabled", havingValue = "true", matchIfMissing = true)
class McpConfiguration {

    static final String VERSION = "1.0";

    /** Structured content is not validated per call: it is written by our code, and its schema is enforced by tests. */
    private static final JsonSchemaValidator NOT_VALIDATED = (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);

    @Bean
    HttpServletStreamableServerTransportProvider mcpTransport(McpProperties config) {
        HttpServletStreamableServerTransportProvider.Builder builder = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(mcpJson()).mcpEndpoint(config.path())
                .contextExtractor(request -> {
                    Map<String, Object> values = new HashMap<>();
                    Object caller = request.getAttribute(FleetTools.CALLER);
                    if (caller != null) {
                        values.put(FleetTools.CALLER, caller);
                    }
                    return McpTransportContext.create(values);
                });
        if (!config.keepAlive().isZero()) {
            builder.keepAliveInterval(config.keepAlive());
        }
        return builder.build();
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
            HttpServletStreamableServerTransportProvider transport, McpProperties config) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                new ServletRegistrationBean<>(transport, config.path());
        registration.setName("mcp");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<McpAuthFilter> mcpAuthFilter(TokenAuthenticator authenticator, McpProperties config) {
        FilterRegistrationBean<McpAuthFilter> registration = new FilterRegistrationBean<>(new McpAuthFilter(authenticator));
        registration.addServletRegistrationBeans();
        registration.addUrlPatterns(config.path(), config.path() + "/*");
        registration.setAsyncSupported(true);
        registration.setName("mcp-auth");
        return registration;
    }

    @Bean
    TomcatWaitThreads mcpTomcatThreads(McpProperties config, Environment environment) {
        return new TomcatWaitThreads(config, environment);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledThreadPoolExecutor mcpTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mcp-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Bean(destroyMethod = "closeGracefully")
    McpAsyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, McpProperties config,
                             Subscriptions subscriptions, AgentDirectory agents, CapacityHistory capacity,
                             CapacityProperties capacityConfig, MeterRegistry registry, ScheduledThreadPoolExecutor mcpTimer) {
        McpMetrics metrics = new McpMetrics(registry);
        McpJsonMapper json = mcpJson();
        FleetTools tools = new FleetTools(json, subscriptions, agents, capacity, capacityConfig, config,
                new ToolLimits(config, metrics), metrics, mcpTimer);
        FleetResources resources = new FleetResources(tools, agents);
        McpAsyncServer server = McpServer.async(transport)
                .serverInfo("fleet-events", VERSION)
                .jsonMapper(json)
                // ToolArguments checks every argument (naming it in the error) and McpIT checks every tool's structured
                // content against its output schema: the SDK's per-call schema validation would only repeat that work
                .validateToolInputs(false)
                .jsonSchemaValidator(NOT_VALIDATED)
                .instructions("Fleet Events: the state and events of a fleet of AI coding agents. To follow the fleet, loop "
                        + "on wait_for_events, always passing the cursor from the previous answer; use list_agents / "
                        + "get_agent for the current state and get_fleet_capacity for utilisation.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(true, false).build())
                .tools(tools.specifications())
                .resources(resources.capacity())
                .resourceTemplates(resources.agent())
                .build();
        resources.wire(server, capacity);
        return server;
    }

    private static McpJsonMapper mcpJson() {
        return new JacksonMcpJsonMapper(JsonMapper.shared());
    }
}
