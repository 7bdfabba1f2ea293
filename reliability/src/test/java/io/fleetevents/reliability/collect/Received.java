package io.fleetevents.reliability.collect;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * One delivery of an event: its id, type and agent path (the capacity scope key for capacity events), and when it
 * arrived ({@link System#nanoTime()}, so deliveries to different subscribers of this JVM can be compared).
 */
public record Received(String eventId, String eventType, String path, long arrivedNanos) {

    /** A delivery that arrived now. */
    public Received(String eventId, String eventType, String path) {
        this(eventId, eventType, path, System.nanoTime());
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Reads the fields the oracle needs from an event's JSON; the rest of the event is not checked here. */
    public static Received fromJson(String json) {
        JsonNode node = JSON.readTree(json);
        JsonNode agent = node.path("agent");
        String path = agent.path("path").isString() ? agent.path("path").asString() : agent.path("key").asString("");
        return new Received(node.path("event_id").asString(), node.path("event_type").asString(), path);
    }

    static ObjectMapper json() {
        return JSON;
    }
}
