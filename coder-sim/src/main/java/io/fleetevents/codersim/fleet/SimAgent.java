package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One agent of the current build. A sub-agent has a parent name (and the parent's resource). */
final class SimAgent {
    final String name;
    final String parentName;
    UUID id;
    UUID parentId;
    UUID resourceId;
    Instant createdAt;
    String status = "connecting";
    String lifecycle = "created";
    Instant firstConnectedAt;
    Instant connectedSince;
    Instant lastConnectedAt;
    Instant disconnectedAt;
    Instant startedAt;
    Instant readyAt;
    int logsLength;
    /** The AI app (null for agents without one, e.g. most dev-container sub-agents). */
    UUID appId;
    String appSlug;
    String appHealth = "healthy";
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
}
