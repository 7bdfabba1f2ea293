package io.fleetevents.schemas;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * The fields of an {@link EventNotification} that decide who receives it: type, severity, id, the agent's identities
 * (UUID, key, path), the owner and organization that access scopes grant, and {@code metadata.scope} for events
 * about no agent. A broadcaster passes on the event's JSON exactly as it was on the topic, so this is all it needs
 * of it; {@link #readCanonical} takes it off the wire without building the event.
 *
 * @param agentKey      the {@code agent.key}; null exactly when the event carries no {@code agent} object
 * @param capacityScope {@code metadata.scope} when it is a string, else null
 */
public record EventRoute(
        String eventId,
        EventType eventType,
        EventSeverity severity,
        String agentId,
        String agentKey,
        String agentPath,
        String owner,
        String organization,
        String capacityScope) {

    public EventRoute {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(severity, "severity");
    }

    /** Whether the event carries an {@code agent} object. */
    public boolean hasAgent() {
        return agentKey != null;
    }

    /** The route of a decoded event. */
    public static EventRoute of(EventNotification event) {
        AgentRef agent = event.agent();
        Object scope = event.metadata().get("scope");
        return new EventRoute(event.eventId(), event.eventType(), event.severity(), event.agentId(),
                agent == null ? null : agent.key(), agent == null ? null : agent.path(),
                agent == null ? null : agent.owner(), agent == null ? null : agent.organization(),
                scope instanceof String text ? text : null);
    }

    /**
     * The route of an event written the way {@link FleetJson} writes one, read in one streaming pass that keeps only
     * the route's fields and skips the rest ({@code message}, {@code before}, {@code after}, other metadata). Returns
     * null for any input it is not sure about: a field of another JSON type than the one this project writes, a
     * missing or blank required field, an unknown enum name, a timestamp in another form, a repeated field, trailing
     * content, invalid JSON. Then decode the event in full ({@link Topics#FLEET_EVENTS}' serde), which accepts it or
     * says why not. So this never accepts what the full decoder rejects, and what it returns equals
     * {@code of(decoded event)}.
     */
    public static EventRoute readCanonical(byte[] json) {
        if (json == null || json.length == 0) {
            return null;
        }
        try (JsonParser parser = FleetJson.mapper().createParser(json)) {
            EventRoute route = new Reader(parser).read();
            return route != null && parser.nextToken() == null ? route : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** One pass over one event; every method returns false (or null) as soon as the input leaves the canonical form. */
    private static final class Reader {
        private static final int EVENT_ID = 1;
        private static final int EVENT_TYPE = 1 << 1;
        private static final int SEVERITY = 1 << 2;
        private static final int TIMESTAMP = 1 << 3;
        private static final int AGENT_ID = 1 << 4;
        private static final int TASK_ID = 1 << 5;
        private static final int MESSAGE = 1 << 6;
        private static final int METADATA = 1 << 7;
        private static final int AGENT = 1 << 8;
        private static final int BEFORE = 1 << 9;
        private static final int AFTER = 1 << 10;
        private static final int OBSERVED_AT = 1 << 11;
        private static final int SCHEMA_VERSION = 1 << 12;
        private static final EventType[] TYPES = EventType.values();
        private static final EventSeverity[] SEVERITIES = EventSeverity.values();

        private final JsonParser parser;
        private String eventId;
        private EventType eventType;
        private EventSeverity severity;
        private String agentId;
        private String agentKey;
        private String agentPath;
        private String owner;
        private String organization;
        private String capacityScope;

        Reader(JsonParser parser) {
            this.parser = parser;
        }

        EventRoute read() {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int seen = 0;
            String name;
            while ((name = parser.nextName()) != null) {
                int field = switch (name) {
                    case "event_id" -> EVENT_ID;
                    case "event_type" -> EVENT_TYPE;
                    case "severity" -> SEVERITY;
                    case "timestamp" -> TIMESTAMP;
                    case "agent_id" -> AGENT_ID;
                    case "task_id" -> TASK_ID;
                    case "message" -> MESSAGE;
                    case "metadata" -> METADATA;
                    case "agent" -> AGENT;
                    case "before" -> BEFORE;
                    case "after" -> AFTER;
                    case "observed_at" -> OBSERVED_AT;
                    case "schema_version" -> SCHEMA_VERSION;
                    default -> 0;
                };
                if ((seen & field) != 0) {
                    return null;
                }
                seen |= field;
                JsonToken token = parser.nextToken();
                if (!readValue(field, token)) {
                    return null;
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || eventType == null || severity == null
                    || (seen & (TIMESTAMP | MESSAGE)) != (TIMESTAMP | MESSAGE)) {
                return null;
            }
            return new EventRoute(eventId, eventType, severity, agentId, agentKey, agentPath, owner,
                    organization, capacityScope);
        }

        private boolean readValue(int field, JsonToken token) {
            return switch (field) {
                case EVENT_ID -> token == JsonToken.VALUE_NULL
                        || (token == JsonToken.VALUE_STRING && !(eventId = parser.getString()).isBlank());
                case EVENT_TYPE -> token == JsonToken.VALUE_STRING && (eventType = enumOrNull(TYPES)) != null;
                case SEVERITY -> token == JsonToken.VALUE_STRING && (severity = enumOrNull(SEVERITIES)) != null;
                case TIMESTAMP -> token == JsonToken.VALUE_STRING && isUtcTime();
                case OBSERVED_AT -> token == JsonToken.VALUE_NULL || (token == JsonToken.VALUE_STRING && isUtcTime());
                case AGENT_ID -> token == JsonToken.VALUE_NULL || (token == JsonToken.VALUE_STRING && (agentId = parser.getString()) != null);
                case TASK_ID -> token == JsonToken.VALUE_NULL || token == JsonToken.VALUE_STRING;
                case MESSAGE -> token == JsonToken.VALUE_STRING && !parser.getString().isBlank();
                case SCHEMA_VERSION -> token == JsonToken.VALUE_NULL || (token == JsonToken.VALUE_NUMBER_INT
                        && parser.getNumberType() == JsonParser.NumberType.INT && parser.getIntValue() >= 1);
                case METADATA -> token == JsonToken.VALUE_NULL || (token == JsonToken.START_OBJECT && readMetadata());
                case AGENT -> token == JsonToken.VALUE_NULL || (token == JsonToken.START_OBJECT && readAgent());
                case BEFORE, AFTER -> token == JsonToken.VALUE_NULL || (token == JsonToken.START_OBJECT && skip());
                default -> skip(); // unknown fields are ignored, as the full decoder does
            };
        }

        private boolean skip() {
            parser.skipChildren();
            return true;
        }

        private boolean isUtcTime() {
            return Rfc3339.utcOrNull(parser.getString()) != null;
        }

        private <E extends Enum<E>> E enumOrNull(E[] values) {
            String text = parser.getString();
            for (E value : values) {
                if (value.name().equals(text)) {
                    return value;
                }
            }
            return null;
        }

        /** Keeps {@code scope} (the last one, as a map would) when it is a string. */
        private boolean readMetadata() {
            String name;
            while ((name = parser.nextName()) != null) {
                JsonToken token = parser.nextToken();
                if (name.equals("scope")) {
                    capacityScope = token == JsonToken.VALUE_STRING ? parser.getString() : null;
                }
                parser.skipChildren();
            }
            return true;
        }

        private boolean readAgent() {
            int seen = 0;
            String name;
            while ((name = parser.nextName()) != null) {
                int field = switch (name) {
                    case "key" -> 1;
                    case "path" -> 1 << 1;
                    case "workspace_id" -> 1 << 2;
                    case "owner" -> 1 << 3;
                    case "organization" -> 1 << 4;
                    case "template" -> 1 << 5;
                    default -> 0;
                };
                JsonToken token = parser.nextToken();
                if (field == 0) {
                    parser.skipChildren();
                    continue;
                }
                if ((seen & field) != 0 || (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL)) {
                    return false;
                }
                seen |= field;
                String text = token == JsonToken.VALUE_STRING ? parser.getString() : null;
                switch (field) {
                    case 1 -> agentKey = text;
                    case 1 << 1 -> agentPath = text;
                    case 1 << 3 -> owner = text;
                    case 1 << 4 -> organization = text;
                    default -> { } // workspace_id and template: not part of the route
                }
            }
            return agentKey != null && !agentKey.isBlank();
        }
    }
}
