package io.fleetevents.broadcaster.mcp;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of the MCP server: calls per tool and outcome, waits, wake-ups, refusals. */
final class McpMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter wakeUps;
    private final Counter timeouts;
    private final Timer waitTime;

    McpMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("fleet.broadcaster.mcp.waiting", waiting);
        this.wakeUps = Counter.builder("fleet.broadcaster.mcp.wakeups")
                .description("wait_for_events calls that returned events").register(registry);
        this.timeouts = Counter.builder("fleet.broadcaster.mcp.wait.timeouts")
                .description("wait_for_events calls that returned empty at their timeout").register(registry);
        this.waitTime = Timer.builder("fleet.broadcaster.mcp.wait")
                .description("How long wait_for_events calls took").register(registry);
    }

    void call(String tool, String outcome) {
        registry.counter("fleet.broadcaster.mcp.calls", "tool", tool, "outcome", outcome).increment();
    }

    void refused(String limitKey) {
        registry.counter("fleet.broadcaster.mcp.refused", "limit", limitKey).increment();
    }

    void waitStarted() {
        waiting.incrementAndGet();
    }

    void waitEnded(Duration took, boolean withEvents) {
        waiting.decrementAndGet();
        waitTime.record(took);
        (withEvents ? wakeUps : timeouts).increment();
    }
}
