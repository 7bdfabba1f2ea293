package io.fleetevents.broadcaster.mcp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits of the MCP server: concurrent {@code wait_for_events} calls on the instance and per token, and calls per
 * second (a token bucket per token). Each {@code try…} returns null when allowed, else the refusal, naming the configuration key.
 */
final class ToolLimits {

    private final McpProperties config;
    private final McpMetrics metrics;
    private final AtomicInteger allWaits = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> waits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    ToolLimits(McpProperties config, McpMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    String tryCall(String token) {
        if (!buckets.computeIfAbsent(token, t -> new Bucket(config.callsPerSecondPerToken())).take()) {
            metrics.refused("calls-per-second-per-token");
            return "rate limit: token '" + token + "' made more than " + config.callsPerSecondPerToken()
                    + " calls in the last second (fleet.broadcaster.mcp.calls-per-second-per-token); retry after a second";
        }
        return null;
    }

    String tryWait(String token) {
        if (allWaits.incrementAndGet() > config.maxConcurrentWaits()) {
            allWaits.decrementAndGet();
            metrics.refused("max-concurrent-waits");
            return "this instance already has " + config.maxConcurrentWaits()
                    + " wait_for_events calls waiting (fleet.broadcaster.mcp.max-concurrent-waits); retry in a few seconds, "
                    + "or on another instance: the cursor is valid on every one";
        }
        AtomicInteger count = waits.computeIfAbsent(token, t -> new AtomicInteger());
        if (count.incrementAndGet() > config.maxConcurrentWaitsPerToken()) {
            count.decrementAndGet();
            allWaits.decrementAndGet();
            metrics.refused("max-concurrent-waits-per-token");
            return "token '" + token + "' already has " + config.maxConcurrentWaitsPerToken()
                    + " wait_for_events calls waiting (fleet.broadcaster.mcp.max-concurrent-waits-per-token); "
                    + "wait for one to return, one loop per superagent is enough";
        }
        return null;
    }

    void waitEnded(String token) {
        allWaits.decrementAndGet();
        AtomicInteger count = waits.get(token);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    private static final class Bucket {
        private final int rate;
        private double permits;
        private long last = System.nanoTime();

        Bucket(int rate) {
            this.rate = rate;
            this.permits = rate;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            permits = Math.min(rate, permits + (now - last) / 1e9 * rate);
            last = now;
            if (permits < 1) {
                return false;
            }
            permits -= 1;
            return true;
        }
    }
}
