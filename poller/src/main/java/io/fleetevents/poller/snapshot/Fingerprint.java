package io.fleetevents.poller.snapshot;

import io.fleetevents.poller.snapshot.TickingFields.Trie;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A 64-bit FNV-1a hash of an observation's JSON trees, walked in place (no serialisation), skipping the ticking
 * fields. Field order is part of the hash: Coder writes its structs in a fixed order. A collision would only hide one
 * change of one agent until its next full refresh, with probability about 2^-64.
 */
public final class Fingerprint {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;
    private static final Trie NONE = new Trie();

    private Fingerprint() {
    }

    /** The fingerprint of an observation: agent, workspace and task together. */
    public static long of(AgentObservation observation, TickingFields ticking) {
        long h = OFFSET;
        h = walk(h, observation.agent(), ticking.agent());
        h = mix(h, 'W');
        h = walk(h, observation.workspace(), ticking.workspace());
        h = mix(h, 'T');
        // Unknown is not "no task": the snapshot that says so is written (with task_unknown), and the next known
        // answer, task or none, is a change again.
        h = observation.taskUnknown() ? mix(h, 'U') : walk(h, observation.task(), ticking.task());
        return h;
    }

    private static long walk(long h, JsonNode node, Trie ignore) {
        if (node == null) {
            return mix(h, 'n');
        }
        switch (node.getNodeType()) {
            case OBJECT -> {
                h = mix(h, '{');
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    Trie child = ignore.children.getOrDefault(field.getKey(), NONE);
                    if (child.terminal) {
                        continue;
                    }
                    h = text(h, field.getKey());
                    h = mix(h, ':');
                    h = walk(h, field.getValue(), child);
                }
                return mix(h, '}');
            }
            case ARRAY -> {
                h = mix(h, '[');
                for (JsonNode element : node) {
                    h = walk(h, element, ignore);
                    h = mix(h, ',');
                }
                return mix(h, ']');
            }
            case STRING -> {
                return text(mix(h, '"'), node.asString());
            }
            case NUMBER -> {
                return text(mix(h, '#'), node.numberValue().toString());
            }
            case BOOLEAN -> {
                return mix(h, node.booleanValue() ? 't' : 'f');
            }
            case NULL -> {
                return mix(h, '0');
            }
            default -> {
                return text(mix(h, '?'), node.toString());
            }
        }
    }

    private static long text(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = mix(h, s.charAt(i));
        }
        return mix(h, 0);
    }

    private static long mix(long h, int c) {
        h ^= (c & 0xff);
        h *= PRIME;
        h ^= (c >>> 8);
        h *= PRIME;
        return h;
    }
}
