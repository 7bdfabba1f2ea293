package io.fleetevents.codersim.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One agent row. A sub-agent has a parent name (and the parent's resource). Its connection is kept as Coder keeps it,
 * as times ({@code first_connected_at}, {@code last_connected_at}, {@code disconnected_at}); the status is computed
 * from them at read time ({@link #status}), as {@code database.WorkspaceAgent.Status} does.
 */
final class SimAgent {

    /** Coder's agent ping period: {@code last_connected_at} moves on this grid while connected. */
    static final Duration PING = Duration.ofSeconds(15);
    /** {@code AgentInactiveDisconnectTimeout}: 2 pings without one, and the agent reads as disconnected. */
    static final Duration INACTIVE = Duration.ofSeconds(30);

    final String name;
    final String parentName;
    UUID id;
    UUID parentId;
    UUID resourceId;
    Instant createdAt;
    /** Never connected and past its connection timeout. */
    boolean timedOut;
    Instant firstConnectedAt;
    /** The start of the current connection; null while not connected. {@code last_connected_at} ticks from here. */
    Instant connectedSince;
    /** {@code last_connected_at} while not connected (frozen at the last ping). */
    Instant lastConnectedAt;
    /** Written when a connection closes; cleared by the first ping of the next connection. */
    Instant disconnectedAt;
    /**
     * The agent stopped pinging without closing its connection (it died): coderd notices at the first ping tick more
     * than {@link #INACTIVE} after the last ping and then writes {@code disconnected_at}.
     */
    boolean pingsStopped;
    String lifecycle = "created";
    Instant startedAt;
    Instant readyAt;
    int logsLength;
    /** The AI app (null for agents without one, e.g. most dev-container sub-agents). */
    UUID appId;
    String appSlug;
    String appHealth = "healthy";
    /** Insertion order, i.e. oldest first. */
    final List<SimStatus> statuses = new ArrayList<>();

    SimAgent(String name, String parentName) {
        this.name = name;
        this.parentName = parentName;
    }

    boolean subAgent() {
        return parentName != null;
    }

    SimStatus latestStatus() {
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1);
    }

    boolean connectionOpen() {
        return connectedSince != null;
    }

    /** {@code last_connected_at} at {@code now}: the last 15 s ping tick of the open connection, else frozen. */
    Instant lastConnectedAt(Instant now) {
        if (connectedSince == null) {
            return lastConnectedAt;
        }
        long beats = Duration.between(connectedSince, now).toMillis() / PING.toMillis();
        return connectedSince.plus(PING.multipliedBy(Math.max(0, beats)));
    }

    /**
     * {@code disconnected_at} as stored at {@code now}: a closed connection's, kept by a new connection until its first
     * ping; a dead agent's once coderd noticed the missing pings.
     */
    Instant storedDisconnectedAt(Instant now) {
        if (connectedSince != null) {
            return now.isBefore(connectedSince.plus(PING)) ? disconnectedAt : null;
        }
        if (pingsStopped && disconnectedAt == null && lastConnectedAt != null) {
            Instant noticed = lastConnectedAt.plus(PING.multipliedBy(INACTIVE.dividedBy(PING) + 1));
            return now.isBefore(noticed) ? null : noticed;
        }
        return disconnectedAt;
    }

    /** Coder's status rule (coder-api.md §5), first match wins. */
    String status(Instant now) {
        if (firstConnectedAt == null) {
            return timedOut ? "timeout" : "connecting";
        }
        Instant last = lastConnectedAt(now);
        Instant disconnected = storedDisconnectedAt(now);
        if (disconnected != null && !disconnected.isBefore(last)) {
            return "disconnected";
        }
        if (Duration.between(last, now).compareTo(INACTIVE) > 0) {
            return "disconnected";
        }
        return "connected";
    }

    /** The {@code disconnected_at} Coder answers: stored, or back-filled with {@code last_connected_at} when inactive. */
    Instant disconnectedAt(Instant now) {
        Instant stored = storedDisconnectedAt(now);
        if (stored != null || firstConnectedAt == null) {
            return stored;
        }
        Instant last = lastConnectedAt(now);
        return Duration.between(last, now).compareTo(INACTIVE) > 0 ? last : null;
    }
}
