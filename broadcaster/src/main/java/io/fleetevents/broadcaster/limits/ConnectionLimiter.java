package io.fleetevents.broadcaster.limits;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections (total and per token) and paces new ones with a token bucket. Each {@code try…} returns
 * null when allowed, else the reason to give the client.
 */
public final class ConnectionLimiter {

    private final BroadcasterProperties.Limits limits;
    private final BroadcasterMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
    private double permits;
    private long lastRefillNanos = System.nanoTime();

    public ConnectionLimiter(BroadcasterProperties.Limits limits, BroadcasterMetrics metrics, MeterRegistry registry) {
        this.limits = limits;
        this.metrics = metrics;
        this.permits = limits.connectsPerSecond();
        registry.gauge("fleet.broadcaster.connections", open);
    }

    /** Paces connection attempts: null when allowed now. */
    public synchronized String tryConnectPermit() {
        long now = System.nanoTime();
        permits = Math.min(limits.connectsPerSecond(),
                permits + (now - lastRefillNanos) / 1e9 * limits.connectsPerSecond());
        lastRefillNanos = now;
        if (permits < 1) {
            metrics.limitRefused();
            return "too many new connections: at most " + limits.connectsPerSecond() + " per second; retry with backoff";
        }
        permits -= 1;
        return null;
    }

    /** Counts a new connection: null when within {@code max-connections} (then call {@link #closed()} later). */
    public String tryOpen() {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            metrics.limitRefused();
            return "server is full: " + limits.maxConnections() + " connections open; try another instance or later";
        }
        return null;
    }

    public void closed() {
        open.decrementAndGet();
    }

    /** Counts a connection of token {@code name}: null when within {@code max-connections-per-token}. */
    public String tryAttach(String name) {
        AtomicInteger count = perToken.computeIfAbsent(name, k -> new AtomicInteger());
        if (count.incrementAndGet() > limits.maxConnectionsPerToken()) {
            count.decrementAndGet();
            metrics.limitRefused();
            return "token '" + name + "' already has " + limits.maxConnectionsPerToken()
                    + " connections open (fleet.broadcaster.limits.max-connections-per-token)";
        }
        return null;
    }

    public void detach(String name) {
        AtomicInteger count = perToken.get(name);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    public int openConnections() {
        return open.get();
    }
}
