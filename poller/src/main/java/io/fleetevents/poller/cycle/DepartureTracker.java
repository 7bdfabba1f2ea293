package io.fleetevents.poller.cycle;

import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.Departure;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Explains why agent keys present in the last complete cycle are absent from this one. Coder lists only the latest
 * build's resources, so a stop, delete or new start build hides the previous build's agents the moment it is queued
 * (coder-api.md §16); the processor must tell that apart from an agent that vanished without a reason.
 *
 * <p>Memory is bounded by the fleet: only what the last complete cycle saw (per workspace: its keys and the build
 * number they were seen under, and its latest build). It is in memory: after a restart the first complete cycle
 * explains nothing (the processor reports such absences as {@code vanished}).
 *
 * <p>Not thread-safe: one cycle at a time, {@link #observe} from the thread that streams the workspace list.
 */
public final class DepartureTracker {

    /** A workspace's latest build as listed. */
    public record Build(String id, int number, String transition, String jobStatus, String initiator) {

        /** The latest build of a raw Coder {@code Workspace}, or null when it has none readable. */
        public static Build of(JsonNode workspace) {
            JsonNode b = workspace.path("latest_build");
            String id = b.path("id").asString("");
            int number = b.path("build_number").asInt(0);
            String transition = b.path("transition").asString("");
            String job = b.path("job").path("status").asString("");
            if (id.isBlank() || number < 1 || transition.isBlank() || job.isBlank()) {
                return null;
            }
            JsonNode initiator = b.get("initiator_name");
            return new Build(id, number, transition, job,
                    initiator == null || !initiator.isString() || initiator.asString().isBlank() ? null : initiator.asString());
        }
    }

    /** What one workspace looked like in a cycle: its keys with their agent UUIDs (null for none), its build. */
    private record Seen(Map<String, String> agents, Build build) {
        Set<String> keys() {
            return agents.keySet();
        }
    }

    /** A hidden agent to read by UUID while its workspace's stop or delete build runs. */
    public record Departing(String key, String agentId) {
    }

    private Map<String, Seen> last = Map.of();
    private Map<String, Seen> current = new HashMap<>();

    /** Starts a cycle: forgets what a previous, uncommitted cycle observed. */
    public void begin() {
        current = new HashMap<>();
    }

    /** Records one agent key of a listed workspace and that workspace's latest build (null when unreadable). */
    public void observe(String workspaceId, String key, Build build) {
        observe(workspaceId, key, null, build);
    }

    /** Records one agent key of a listed workspace with the agent's UUID (null when none). */
    public void observe(String workspaceId, String key, String agentId, Build build) {
        current.computeIfAbsent(workspaceId, id -> new Seen(new java.util.TreeMap<>(), build)).agents().put(key, agentId);
    }

    /**
     * The agents of the last complete cycle that {@code workspaceId}'s listing of this cycle (observed before this
     * call) hides, when its latest build is a stop or delete whose job runs, or has just ended (one last read shows
     * how the shutdown ended): those to read by UUID so the processor sees their shutdown lifecycle.
     */
    public java.util.List<Departing> departing(String workspaceId) {
        Seen before = last.get(workspaceId);
        Seen now = current.get(workspaceId);
        if (before == null || now == null || now.build() == null) {
            return java.util.List.of();
        }
        Build build = now.build();
        if (!"stop".equals(build.transition()) && !"delete".equals(build.transition())) {
            return java.util.List.of();
        }
        boolean running = active(build.jobStatus());
        boolean justEnded = before.build() != null && before.build().number() == build.number()
                && active(before.build().jobStatus());
        if (!running && !justEnded) {
            return java.util.List.of();
        }
        java.util.List<Departing> out = new java.util.ArrayList<>();
        before.agents().forEach((key, agentId) -> {
            if (agentId != null && !now.keys().contains(key)) {
                out.add(new Departing(key, agentId));
            }
        });
        return out;
    }

    private static boolean active(String jobStatus) {
        return "pending".equals(jobStatus) || "running".equals(jobStatus) || "canceling".equals(jobStatus);
    }

    /**
     * The departures of this cycle: every key of the last complete cycle absent from this one whose absence a build
     * explains, in key order.
     *
     * @param readDeleted reads a workspace that left the list (for its latest build), within the caller's budget;
     *                    empty when it cannot be read or the budget is spent
     */
    public Map<String, Departure> departures(Function<String, Optional<Build>> readDeleted) {
        Map<String, Departure> out = new LinkedHashMap<>();
        for (String workspaceId : new TreeSet<>(last.keySet())) {
            Seen before = last.get(workspaceId);
            Seen now = current.get(workspaceId);
            Build build;
            if (now != null) {
                build = now.build();
            } else if (before.build() != null && "delete".equals(before.build().transition())) {
                build = before.build();
            } else {
                build = readDeleted.apply(workspaceId).orElse(null);
            }
            if (build == null) {
                continue;
            }
            Departure.Reason reason = reason(build, before.build());
            if (reason == null) {
                continue;
            }
            for (String key : before.keys()) {
                if (now == null || !now.keys().contains(key)) {
                    out.put(key, new Departure(reason, build.id(), build.number(), build.transition(), build.jobStatus(),
                            build.initiator(), AgentKeys.workspaceId(key)));
                }
            }
        }
        return out;
    }

    /** The cycle completed (markers acknowledged): what it saw becomes what the next cycle compares with. */
    public void commit() {
        last = current;
        current = new HashMap<>();
    }

    /** How many workspaces are remembered. */
    public int size() {
        return last.size();
    }

    private static Departure.Reason reason(Build build, Build before) {
        return switch (build.transition()) {
            case "stop" -> Departure.Reason.WORKSPACE_STOPPED;
            case "delete" -> Departure.Reason.WORKSPACE_DELETED;
            // the same build listing fewer agents is no rebuild (a dev container recreated, an agent removed)
            case "start" -> before != null && build.number() > before.number() ? Departure.Reason.WORKSPACE_REBUILT : null;
            default -> null;
        };
    }
}
