package io.fleetevents.schemas;

import tools.jackson.databind.JsonNode;

/**
 * A JSON object kept exactly as Coder sent it, unknown fields included, so that a later release can
 * re-derive events from old snapshots. Held as compact JSON text, which makes it immutable and cheap to
 * compare; on the wire it is embedded as a nested JSON object, not as a string.
 *
 * @param json compact JSON text of an object; never blank
 */
public record RawJson(String json) {

    public RawJson {
        Validation.requireNonBlank(json, "raw json");
        if (json.charAt(0) != '{') {
            throw new IllegalArgumentException("raw json must be a JSON object, starts with '" + json.charAt(0) + "'");
        }
    }

    /**
     * Parses and normalises {@code json} to compact form.
     *
     * @throws IllegalArgumentException when the text is not a single JSON object
     */
    public static RawJson parse(String json) {
        JsonNode node;
        try {
            node = FleetJson.mapper().readTree(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("raw json is not valid JSON: " + e.getMessage(), e);
        }
        return of(node);
    }

    /** Wraps an object node (copied to compact text). */
    public static RawJson of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("raw json must be a JSON object, was "
                    + (node == null ? "null" : node.getNodeType()));
        }
        return new RawJson(FleetJson.mapper().writeValueAsString(node));
    }

    /** A fresh parsed tree of this object; callers may modify it without affecting this value. */
    public JsonNode node() {
        return FleetJson.mapper().readTree(json);
    }

    @Override
    public String toString() {
        return json;
    }
}
