package io.fleetevents.broadcaster.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

class ToolLimitsTest {

    private static McpProperties config(int maxWaits, int maxWaitsPerToken) {
        return new McpProperties(true, "/mcp", 50, 500, 1000, maxWaits, maxWaitsPerToken, 1000, Duration.ZERO);
    }

    @Test
    void shouldRefuseAWaitBeyondTheInstanceLimitNamingTheKeyWhateverTheToken() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ToolLimits limits = new ToolLimits(config(3, 2), new McpMetrics(registry));

        String first = limits.tryWait("a");
        String second = limits.tryWait("a");
        String third = limits.tryWait("b");
        String fourth = limits.tryWait("c");

        assertThat(first).isNull();
        assertThat(second).isNull();
        assertThat(third).isNull();
        assertThat(fourth).contains("fleet.broadcaster.mcp.max-concurrent-waits").contains("3");
        assertThat(registry.counter("fleet.broadcaster.mcp.refused", "limit", "max-concurrent-waits").count()).isEqualTo(1);
    }

    @Test
    void shouldAdmitAWaitAgainOnceOneEnded() {
        ToolLimits limits = new ToolLimits(config(2, 2), new McpMetrics(new SimpleMeterRegistry()));
        limits.tryWait("a");
        limits.tryWait("b");

        limits.waitEnded("a");

        assertThat(limits.tryWait("c")).isNull();
        assertThat(limits.tryWait("c")).contains("fleet.broadcaster.mcp.max-concurrent-waits");
    }

    @Test
    void shouldNotCountAWaitRefusedByTheTokenLimitAgainstTheInstance() {
        ToolLimits limits = new ToolLimits(config(2, 1), new McpMetrics(new SimpleMeterRegistry()));
        limits.tryWait("a");

        String refusedForToken = limits.tryWait("a");

        assertThat(refusedForToken).contains("fleet.broadcaster.mcp.max-concurrent-waits-per-token");
        assertThat(limits.tryWait("b")).isNull();
    }

    @Test
    void shouldGiveTomcatAThreadPerAllowedWaitPlusRoomForOtherRequests() {
        TomcatWaitThreads threads = new TomcatWaitThreads(config(1000, 16), new MockEnvironment());
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
        Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);

        threads.customize(factory);
        factory.getConnectorCustomizers().forEach(customizer -> customizer.customize(connector));

        assertThat(((AbstractProtocol<?>) connector.getProtocolHandler()).getMaxThreads()).isEqualTo(1200);
    }

    @Test
    void shouldKeepALargerConfiguredTomcatThreadPool() {
        TomcatWaitThreads threads = new TomcatWaitThreads(config(100, 16),
                new MockEnvironment().withProperty("server.tomcat.threads.max", "800"));

        assertThat(threads.maxThreads()).isEqualTo(800);
    }
}
