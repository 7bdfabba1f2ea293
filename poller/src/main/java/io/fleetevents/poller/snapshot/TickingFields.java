package io.fleetevents.poller.snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields Coder rewrites without anything having happened ({@code last_connected_at} and {@code updated_at} every
 * ~15 s, {@code latency}, ...), which change detection ignores. Each is a dotted path rooted at {@code agent.},
 * {@code workspace.} or {@code task.}; arrays on the way are transparent, so {@code agent.apps.health} would mean the
 * health of every app.
 */
public final class TickingFields {

    /**
     * The default list: what coder-api.md §14 says never to diff ({@code updated_at}, {@code last_connected_at},
     * {@code latency}, {@code logs_length}), the agent metadata readings (CPU, RAM… collected continuously), the
     * activity-bumped times, and the provisioners' heartbeat.
     */
    public static final List<String> DEFAULTS = List.of(
            "agent.updated_at", "agent.last_connected_at", "agent.latency", "agent.logs_length",
            "agent.metadata.result", "workspace.updated_at", "workspace.last_used_at",
            "workspace.latest_build.deadline", "workspace.latest_build.matched_provisioners.most_recently_seen",
            "workspace.latest_build.updated_at",
            "task.updated_at");

    private final Trie agent = new Trie();
    private final Trie workspace = new Trie();
    private final Trie task = new Trie();

    /**
     * Parses the configured list.
     *
     * @throws IllegalArgumentException naming a path that is not rooted at agent, workspace or task
     */
    public TickingFields(List<String> paths) {
        for (String path : paths) {
            String[] parts = path.trim().split("\\.");
            if (parts.length < 2) {
                throw new IllegalArgumentException("ticking field '" + path + "' must be <agent|workspace|task>.<field>");
            }
            Trie root = switch (parts[0]) {
                case "agent" -> agent;
                case "workspace" -> workspace;
                case "task" -> task;
                default -> throw new IllegalArgumentException("ticking field '" + path
                        + "' must start with agent., workspace. or task.");
            };
            Trie node = root;
            for (int i = 1; i < parts.length; i++) {
                if (parts[i].isEmpty()) {
                    throw new IllegalArgumentException("ticking field '" + path + "' has an empty segment");
                }
                node = node.children.computeIfAbsent(parts[i], k -> new Trie());
            }
            node.terminal = true;
        }
    }

    Trie agent() {
        return agent;
    }

    Trie workspace() {
        return workspace;
    }

    Trie task() {
        return task;
    }

    /** A prefix tree of field names; a terminal node's field (and all below it) is ignored. */
    static final class Trie {
        final Map<String, Trie> children = new HashMap<>();
        boolean terminal;
    }
}
