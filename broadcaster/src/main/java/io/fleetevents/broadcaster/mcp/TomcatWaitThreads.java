package io.fleetevents.broadcaster.mcp;

import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The SDK's servlet transport answers a tool call on the request thread and blocks it until the result is written,
 * so every waiting {@code wait_for_events} call holds one of Tomcat's threads. With Boot's default of 200, call 201
 * onwards would queue unseen in Tomcat's executor (not parked, not counted, not woken), and every other HTTP request
 * behind them. Tomcat may therefore run {@code fleet.broadcaster.mcp.max-concurrent-waits} threads plus 200 for
 * everything else (or {@code server.tomcat.threads.max} if larger); {@link ToolLimits} refuses waits beyond that
 * limit. Threads are started on demand and end when idle. Runs after Boot's own Tomcat customizer.
 */
final class TomcatWaitThreads implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    static final int OTHER_REQUESTS = 200;

    private final int maxThreads;

    TomcatWaitThreads(McpProperties config, Environment environment) {
        this.maxThreads = Math.max(config.maxConcurrentWaits() + OTHER_REQUESTS,
                environment.getProperty("server.tomcat.threads.max", Integer.class, 200));
    }

    int maxThreads() {
        return maxThreads;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                protocol.setMaxThreads(Math.max(protocol.getMaxThreads(), maxThreads));
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
