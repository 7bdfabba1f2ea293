package io.fleetevents.schemas;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * A JSON object kept exactly as Coder sent it, unknown fields included, so that a later release can
 * re-derive events from old snapshots. Held as compact JSON text, which makes it immutable and cheap to
 * compare; on the wire it is embedded as a nested JSON object, not as a string.
 *
 * <p>A value made by {@link #ofCompactUtf8} keeps the UTF-8 bytes it was made from: {@link FleetJson} copies them
 * to a UTF-8 output as they are, and the text is decoded only if someone asks for it (the poller writes ~60 MB of
 * Coder JSON per first cycle at 10,000 workspaces, and decoding it to text only to encode it again was ~5 % of its
 * poll thread).
 */
public final class RawJson {

    private final byte[] utf8;
    private String json;

    /**
     * @param json compact JSON text of an object; never blank
     * @throws IllegalArgumentException when the text is blank or does not start with '{'
     */
    public RawJson(String json) {
        Validation.requireNonBlank(json, "raw json");
        if (json.charAt(0) != '{') {
            throw new IllegalArgumentException("raw json must be a JSON object, starts with '" + json.charAt(0) + "'");
        }
        this.json = json;
        this.utf8 = null;
    }

    private RawJson(byte[] utf8) {
        this.utf8 = utf8;
    }

    /**
     * Wraps the UTF-8 bytes of compact JSON text of an object, as a JSON generator wrote them. The array is taken
     * over, not copied: the caller must not change it afterwards.
     *
     * @throws IllegalArgumentException when the bytes are empty or do not start with '{'
     */
    public static RawJson ofCompactUtf8(byte[] utf8) {
        if (utf8 == null || utf8.length == 0) {
            throw new IllegalArgumentException("raw json must not be blank");
        }
        if (utf8[0] != '{') {
            throw new IllegalArgumentException("raw json must be a JSON object, starts with '" + (char) (utf8[0] & 0xff)
                    + "'");
        }
        return new RawJson(utf8);
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

    /** The compact JSON text. */
    public String json() {
        String text = json;
        if (text == null) {
            // Strings are immutable, so publishing one through a plain field is safe; a race decodes twice at worst.
            text = new String(utf8, StandardCharsets.UTF_8);
            json = text;
        }
        return text;
    }

    /** The UTF-8 bytes this value was made from, or null when it was made from text. Not a copy: do not modify. */
    byte[] utf8OrNull() {
        return utf8;
    }

    /** A fresh parsed tree of this object; callers may modify it without affecting this value. */
    public JsonNode node() {
        return utf8 != null ? FleetJson.mapper().readTree(utf8) : FleetJson.mapper().readTree(json);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawJson that && json().equals(that.json());
    }

    @Override
    public int hashCode() {
        return json().hashCode();
    }

    @Override
    public String toString() {
        return json();
    }
}
