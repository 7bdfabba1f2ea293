package io.fleetevents.codersim.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One workspace with its latest build, the agents of that build, the agents of earlier builds (hidden from the list,
 * still answered by UUID), its task, and its newest app status ever.
 */
final class SimWorkspace {
    final UUID id;
    /** Owner and name change when a prebuilt workspace is claimed; the id stays. */
    String ownerName;
    UUID ownerId;
    String name;
    /** An unclaimed prebuilt workspace, owned by the prebuilds system user. */
    boolean prebuild;
    /** Its delete build succeeded: gone from the list, answered only with {@code include_deleted=true}. */
    boolean deleted;
    final Template template;
    final String organizationName;
    final UUID organizationId;
    final Instant createdAt;
    Instant lastUsedAt;
    Long ttlMs;
    String autostartSchedule;
    boolean outdated;
    final SimBuild build = new SimBuild();
    final List<SimAgent> agents = new ArrayList<>();
    /** Agents of earlier builds and deleted sub-agents: no longer listed, still answered by UUID. */
    final List<SimAgent> retired = new ArrayList<>();
    /** Whether scripted start builds give it a dev-container sub-agent. */
    boolean scriptedSubAgent;
    /** The previous build's agents that were running when the current build was queued. */
    final List<SimAgent> shuttingDown = new ArrayList<>();
    /** What the old agents report when the current stop/delete build's job ends: off, shutdown_error, shutdown_timeout. */
    String shutdownOutcome = "off";    /** Newest status across all the workspace's apps, of any build: it can be stale (coder-api.md §6). */
    SimStatus latestAppStatus;
    SimTask task;
    /** Activity: the fleet step at which an in-flight build advances; -1 when idle. */
    long advanceAtStep = -1;
    boolean failNextAdvance;

    SimWorkspace(UUID id, String ownerName, UUID ownerId, String name, Template template, String organizationName,
                 UUID organizationId, Instant createdAt) {
        this.id = id;
        this.ownerName = ownerName;
        this.ownerId = ownerId;
        this.name = name;
        this.template = template;
        this.organizationName = organizationName;
        this.organizationId = organizationId;
        this.createdAt = createdAt;
        this.lastUsedAt = createdAt;
    }

    String path() {
        return ownerName + "/" + name;
    }

    SimAgent agent(String agentName) {
        for (SimAgent agent : agents) {
            if (agent.name.equals(agentName)) {
                return agent;
            }
        }
        return null;
    }

    SimAgent mainAgent() {
        for (SimAgent agent : agents) {
            if (!agent.subAgent()) {
                return agent;
            }
        }
        return null;
    }

    /** The Coder stale-status rule: a status older than the latest start build is ignored by Tasks. */
    boolean latestAppStatusStale() {
        return latestAppStatus != null && "start".equals(build.transition)
                && !latestAppStatus.createdAt().isAfter(build.createdAt);
    }

    /** A Coder Task attached to a workspace. */
    static final class SimTask {
        final UUID id;
        final String name;
        final String displayName;
        final String prompt;
        final Instant createdAt;

        SimTask(UUID id, String name, String displayName, String prompt, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.displayName = displayName;
            this.prompt = prompt;
            this.createdAt = createdAt;
        }
    }

    /** A template: name, display name, icon, ids, and whether it runs an AI app and a dev-container sub-agent. */
    record Template(String name, String displayName, String icon, UUID id, UUID activeVersionId, String versionName,
                    String appSlug, String appDisplayName) {
    }
}
