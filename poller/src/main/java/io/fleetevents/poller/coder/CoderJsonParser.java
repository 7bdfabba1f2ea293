package io.fleetevents.poller.coder;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streaming parsers of Coder's list responses. A workspace list is read one workspace object at a time and handed
 * on, so a 10,000-workspace response never exists as one tree, a string, or a byte array. Lenient: unknown fields
 * are kept in each object, unknown top-level fields are skipped.
 */
public final class CoderJsonParser {

    private final JsonMapper mapper;

    public CoderJsonParser(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** A parser over a plain {@link JsonMapper}. */
    public static CoderJsonParser create() {
        // Elements are read one by one from a shared parser: what follows an element is not "trailing".
        return new CoderJsonParser(JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build());
    }

    /**
     * Parses {@code {"workspaces": [...], "count": n}}, passing each workspace object to {@code sink} as soon as it
     * is read.
     *
     * @return Coder's {@code count} (the total matches, independent of paging), or -1 when absent
     * @throws CoderProtocolException on malformed JSON, a missing {@code workspaces} array, or a non-object element
     */
    public int workspaces(InputStream body, Consumer<ObjectNode> sink) {
        return list(body, "workspaces", sink);
    }

    /** Parses {@code {"tasks": [...], "count": n}} into its task objects. */
    public List<ObjectNode> tasks(InputStream body) {
        List<ObjectNode> tasks = new ArrayList<>();
        list(body, "tasks", tasks::add);
        return tasks;
    }

    /** Parses one JSON object (a single workspace or agent). */
    public ObjectNode object(InputStream body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw new CoderProtocolException("expected a JSON object", 200, null);
            }
            return (ObjectNode) node;
        } catch (JacksonIOException e) {
            throw new CoderUnavailableException("reading an object failed: " + e.getOriginalMessage(), 200, e);
        } catch (JacksonException e) {
            throw new CoderProtocolException("malformed JSON object: " + e.getOriginalMessage(), 200, e);
        }
    }

    private int list(InputStream body, String arrayField, Consumer<ObjectNode> sink) {
        int count = -1;
        boolean sawArray = false;
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CoderProtocolException("expected a JSON object with '" + arrayField + "', found "
                        + p.currentToken(), 200, null);
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (arrayField.equals(name)) {
                    if (value == JsonToken.VALUE_NULL) {
                        sawArray = true;
                        continue;
                    }
                    if (value != JsonToken.START_ARRAY) {
                        throw new CoderProtocolException("'" + arrayField + "' is not an array but " + value, 200, null);
                    }
                    sawArray = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        if (p.currentToken() != JsonToken.START_OBJECT) {
                            throw new CoderProtocolException("an element of '" + arrayField + "' is not an object but "
                                    + p.currentToken(), 200, null);
                        }
                        JsonNode element = mapper.readTree(p);
                        sink.accept((ObjectNode) element);
                    }
                } else if ("count".equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    count = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new CoderProtocolException("the response ended before its closing brace", 200, null);
            }
        } catch (JacksonIOException e) {
            throw new CoderUnavailableException("reading the " + arrayField + " list failed: "
                    + e.getOriginalMessage(), 200, e);
        } catch (JacksonException e) {
            throw new CoderProtocolException("malformed JSON in the " + arrayField + " list: "
                    + e.getOriginalMessage(), 200, e);
        }
        if (!sawArray) {
            throw new CoderProtocolException("the response has no '" + arrayField + "' array", 200, null);
        }
        return count;
    }
}
