package io.fleetevents.broadcaster.mcp;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code fleet.broadcaster.mcp.*}: the MCP server. Every key has a default; a bad value fails start-up naming the key.
 *
 * @param enabled                    serve MCP at all
 * @param path                       the Streamable HTTP endpoint
 * @param maxTimeoutSeconds          the largest {@code timeout_seconds} of {@code wait_for_events} (many clients cut a
 *                                   tool call at about 60 s, so keep it below that)
 * @param maxEvents                  the largest {@code max_events} of {@code wait_for_events}
 * @param maxListLimit               the largest {@code limit} of {@code list_events} and {@code list_agents}
 * @param maxConcurrentWaits         {@code wait_for_events} calls waiting at once on this instance, all tokens together.
 *                                   The SDK's servlet transport holds a request thread for each waiting call, so
 *                                   Tomcat's thread pool is raised to this plus 200 (or {@code server.tomcat.threads.max}
 *                                   if larger); a call beyond it is refused naming the key instead of queueing unseen
 *                                   behind busy threads
 * @param maxConcurrentWaitsPerToken {@code wait_for_events} calls one token may have waiting at once
 * @param callsPerSecondPerToken     tool calls and resource reads per second per token (burst = one second's worth)
 * @param keepAlive                  interval of the server's pings on open sessions (0 = none)
 */
@Validated
@ConfigurationProperties("fleet.broadcaster.mcp")
public record McpProperties(
        @DefaultValue("true") boolean enabled,
        @NotNull @Pattern(regexp = "/[A-Za-z0-9/_-]*", message = "must be a path such as /mcp") @DefaultValue("/mcp") String path,
        @Min(1) @Max(3600) @DefaultValue("50") int maxTimeoutSeconds,
        @Min(1) @Max(100_000) @DefaultValue("500") int maxEvents,
        @Min(1) @Max(100_000) @DefaultValue("1000") int maxListLimit,
        @Min(1) @Max(20_000) @DefaultValue("1000") int maxConcurrentWaits,
        @Min(1) @DefaultValue("16") int maxConcurrentWaitsPerToken,
        @Min(1) @DefaultValue("50") int callsPerSecondPerToken,
        @NotNull @DefaultValue("0s") Duration keepAlive) {
}
