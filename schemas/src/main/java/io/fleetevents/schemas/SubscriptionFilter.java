package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What a subscriber wants to receive: the seed's subscription document
 * {@code {"event_types": [...], "agent_ids": [...], "severity_min": "WARNING"}}. All parts are optional and ANDed;
 * an empty list means "any". {@code agent_ids} holds {@link AgentPattern}s matched against agent UUID, key and path.
 *
 * @param eventTypes  accepted event types; empty means all; never null
 * @param agentIds    agent patterns, any of which must match; empty means all; never null
 * @param severityMin minimum severity; null means {@code INFO}
 */
public record SubscriptionFilter(
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EventType> eventTypes,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> agentIds,
        EventSeverity severityMin) {

    /** Accepts every event. */
    public static final SubscriptionFilter ALL = new SubscriptionFilter(List.of(), List.of(), null);

    private static final int MAX_PATTERNS = 256;

    public SubscriptionFilter {
        eventTypes = Validation.immutableCopy(eventTypes, "event_types");
        agentIds = Validation.immutableCopy(agentIds, "agent_ids");
        if (agentIds.size() > MAX_PATTERNS) {
            throw new InvalidFilterException("agent_ids has " + agentIds.size() + " patterns; at most " + MAX_PATTERNS
                    + " are allowed: use wildcards such as 'alice/*'");
        }
        for (String id : agentIds) {
            try {
                new AgentPattern(id);
            } catch (IllegalArgumentException e) {
                throw new InvalidFilterException("agent_ids: " + e.getMessage(), e);
            }
        }
    }

    /** The agent patterns, compiled. */
    public List<AgentPattern> agentPatterns() {
        return agentIds.stream().map(AgentPattern::new).toList();
    }

    /** The effective minimum severity ({@code INFO} when unset). */
    public EventSeverity effectiveSeverityMin() {
        return severityMin == null ? EventSeverity.INFO : severityMin;
    }

    /** Whether {@code event} passes this filter. */
    public boolean matches(EventNotification event) {
        return matches(EventRoute.of(event));
    }

    /** Whether an event with this route passes this filter (the same decision as for the whole event). */
    public boolean matches(EventRoute event) {
        if (!eventTypes.isEmpty() && !eventTypes.contains(event.eventType())) {
            return false;
        }
        if (!event.severity().atLeast(effectiveSeverityMin())) {
            return false;
        }
        if (agentIds.isEmpty()) {
            return true;
        }
        for (String id : agentIds) {
            if (new AgentPattern(id).matches(event)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses the JSON subscription document.
     *
     * @throws InvalidFilterException naming what to fix when the text is not a valid document
     */
    public static SubscriptionFilter fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidFilterException("filter is empty: send a JSON object such as "
                    + "{\"event_types\":[\"AGENT_FAILURE\"],\"agent_ids\":[\"alice/*\"],\"severity_min\":\"WARNING\"}");
        }
        JsonNode root;
        try {
            root = FleetJson.mapper().readTree(json);
        } catch (JacksonException e) {
            throw new InvalidFilterException("filter is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidFilterException("filter must be a JSON object with optional fields event_types, agent_ids, severity_min");
        }
        for (String name : root.propertyNames()) {
            if (!name.equals("event_types") && !name.equals("agent_ids") && !name.equals("severity_min")) {
                throw new InvalidFilterException("filter has unknown field '" + name
                        + "': allowed fields are event_types, agent_ids, severity_min");
            }
        }
        List<EventType> types = new ArrayList<>();
        for (String text : stringArray(root, "event_types")) {
            types.add(parseType(text));
        }
        List<String> ids = stringArray(root, "agent_ids");
        JsonNode severity = root.get("severity_min");
        EventSeverity min = null;
        if (severity != null && !severity.isNull()) {
            if (!severity.isString()) {
                throw new InvalidFilterException("severity_min must be a string: one of INFO, WARNING, CRITICAL");
            }
            min = parseSeverity(severity.asString());
        }
        return new SubscriptionFilter(types, ids, min);
    }

    /**
     * Builds a filter from the header / query-parameter form: comma-separated {@code event-types} and
     * {@code agent-ids}, and {@code severity-min}. Each argument may be null or blank.
     *
     * @throws InvalidFilterException naming what to fix
     */
    public static SubscriptionFilter fromParameters(String eventTypes, String agentIds, String severityMin) {
        List<EventType> types = new ArrayList<>();
        for (String text : splitList(eventTypes)) {
            types.add(parseType(text));
        }
        EventSeverity min = severityMin == null || severityMin.isBlank() ? null : parseSeverity(severityMin);
        return new SubscriptionFilter(types, splitList(agentIds), min);
    }

    private static List<String> splitList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static EventType parseType(String text) {
        try {
            return EventType.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFilterException("event_types: " + e.getMessage(), e);
        }
    }

    private static EventSeverity parseSeverity(String text) {
        try {
            return EventSeverity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFilterException("severity_min: " + e.getMessage(), e);
        }
    }

    private static List<String> stringArray(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidFilterException(field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw new InvalidFilterException(field + " must contain only strings, found " + element.getNodeType());
            }
            values.add(element.asString());
        }
        return values;
    }
}
