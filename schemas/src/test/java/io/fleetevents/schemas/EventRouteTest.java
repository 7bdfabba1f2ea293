package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link EventRoute#readCanonical} must take every event this project writes on its fast path, and must never accept
 * what the contract's full decoder rejects nor read a route other than the one of the decoded event: checked on
 * seeded random events and on seeded random structural and byte mutations of them.
 */
class EventRouteTest {

    private static final long SEED = Long.getLong("schemas.fuzz.seed", 20261126L);
    private static final Deserializer<EventNotification> FULL = Topics.FLEET_EVENTS.valueSerde().deserializer();
    private static final String[] FIELDS = {"event_id", "event_type", "severity", "timestamp", "agent_id", "task_id",
            "message", "metadata", "agent", "before", "after", "observed_at", "schema_version"};
    private static final String[] AGENT_FIELDS = {"key", "path", "workspace_id", "owner", "organization", "template"};

    @Test
    void shouldReadEveryEventThisProjectWritesOnTheFastPath() {
        Random random = new Random(SEED);
        for (int i = 0; i < 2_000; i++) {
            EventNotification event = randomEvent(random);
            byte[] json = FleetJson.mapper().writeValueAsBytes(event);

            assertThat(EventRoute.readCanonical(json)).as("seed %d run %d: %s", SEED, i, new String(json, StandardCharsets.UTF_8))
                    .isEqualTo(EventRoute.of(event));
        }
    }

    @Test
    void shouldNeverAcceptWhatTheFullDecoderRejectsNorReadAnotherRoute() {
        Random random = new Random(SEED);
        int fast = 0;
        int fellBack = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] json = i % 3 == 2
                    ? mutateBytes(FleetJson.mapper().writeValueAsBytes(randomEvent(random)), random)
                    : mutateTree(randomEvent(random), random);
            EventNotification decoded;
            try {
                decoded = FULL.deserialize("t", json);
            } catch (SerializationException e) {
                decoded = null;
            }
            EventRoute route = EventRoute.readCanonical(json);
            String what = "seed " + SEED + " run " + i + ": " + new String(json, StandardCharsets.UTF_8);
            if (route != null) {
                fast++;
                assertThat(decoded).as("accepted by the fast path, rejected in full: %s", what).isNotNull();
                assertThat(route).as(what).isEqualTo(EventRoute.of(decoded));
            } else if (decoded != null) {
                fellBack++;
            } else {
                rejected++;
            }
        }
        // the mutations must exercise all three outcomes, or the check above proves little
        assertThat(fast).isGreaterThan(2_000);
        assertThat(fellBack).isGreaterThan(500);
        assertThat(rejected).isGreaterThan(2_000);
    }

    @Test
    void shouldLeaveUncommonButValidFormsToTheFullDecoder() {
        String base = "\"event_type\":\"AGENT_FAILURE\",\"severity\":\"CRITICAL\",\"message\":\"m\"";
        List<String> valid = List.of(
                "{" + base + ",\"timestamp\":\"2026-01-01T00:00:00+00:00\"}",            // offset form
                "{" + base + ",\"timestamp\":\"2026-01-01T00:00:00Z\",\"agent_id\":42}",  // number as text
                "{" + base + ",\"timestamp\":\"2026-01-01T00:00:00Z\",\"message\":\"again\"}"); // repeated field
        for (String json : valid) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(EventRoute.readCanonical(bytes)).as(json).isNull();
            assertThat(FULL.deserialize("t", bytes)).as(json).isNotNull();
        }
    }

    @Test
    void shouldReadTheCapacityScopeOnlyWhenItIsAString() {
        String head = "{\"event_type\":\"CAPACITY_WARNING\",\"severity\":\"WARNING\",\"timestamp\":\"2026-01-01T00:00:00Z\","
                + "\"message\":\"m\",\"metadata\":";
        assertThat(EventRoute.readCanonical((head + "{\"utilisation\":0.9,\"scope\":\"org/acme\"}}").getBytes(StandardCharsets.UTF_8)))
                .extracting(EventRoute::capacityScope, EventRoute::hasAgent).containsExactly("org/acme", false);
        assertThat(EventRoute.readCanonical((head + "{\"scope\":{\"org\":\"acme\"}}}").getBytes(StandardCharsets.UTF_8)))
                .extracting(EventRoute::capacityScope).isNull();
    }

    private static EventNotification randomEvent(Random random) {
        EventType type = pick(random, EventType.values());
        boolean capacity = type == EventType.CAPACITY_WARNING || random.nextInt(10) == 0;
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (capacity) {
            metadata.put("scope", random.nextBoolean() ? "fleet" : "org/" + word(random));
            metadata.put("utilisation", random.nextDouble());
        }
        if (random.nextBoolean()) {
            metadata.put("reason", word(random));
            metadata.put("nested", Map.of("list", List.of(1, "two", Map.of("three", 3.0)), "flag", random.nextBoolean()));
        }
        String owner = word(random);
        String workspace = word(random);
        AgentRef agent = capacity ? null : new AgentRef("dep1:" + workspace + "/" + word(random),
                random.nextBoolean() ? owner + "/" + workspace + ".main" : null, random.nextBoolean() ? "ws-" + word(random) : null,
                random.nextBoolean() ? owner : null, random.nextBoolean() ? word(random) : null,
                random.nextBoolean() ? word(random) : null);
        Instant time = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000_000));
        Map<String, Object> before = random.nextBoolean() ? Map.of("status", word(random), "n", random.nextInt()) : null;
        Map<String, Object> after = random.nextBoolean() ? Map.of("status", word(random)) : null;
        return new EventNotification(random.nextInt(8) == 0 ? null : "evt-" + word(random), type,
                pick(random, EventSeverity.values()), time, capacity || random.nextInt(6) == 0 ? null : "agent-" + word(random),
                random.nextInt(4) == 0 ? "task-" + word(random) : null, "message " + word(random), metadata, agent,
                before, after, random.nextBoolean() ? time.plusMillis(random.nextInt(5_000)) : null,
                random.nextBoolean() ? EventNotification.CURRENT_SCHEMA_VERSION : null);
    }

    /** One structural change to the event's JSON tree: a field removed, retyped, blanked, renamed or added. */
    private static byte[] mutateTree(EventNotification event, Random random) {
        ObjectNode root = (ObjectNode) FleetJson.mapper().valueToTree(event);
        ObjectNode target = root;
        String field = pick(random, FIELDS);
        if (random.nextInt(4) == 0 && root.get("agent") instanceof ObjectNode agent) {
            target = agent;
            field = pick(random, AGENT_FIELDS);
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode value = switch (random.nextInt(14)) {
            case 0 -> null;                        // remove
            case 1 -> nodes.nullNode();
            case 2 -> nodes.numberNode(random.nextInt(5) - 1);
            case 3 -> nodes.numberNode(1L << 40);
            case 4 -> nodes.numberNode(1.5);
            case 5 -> nodes.booleanNode(random.nextBoolean());
            case 6 -> nodes.stringNode(" ");
            case 7 -> nodes.stringNode("");
            case 8 -> nodes.arrayNode().add("x");
            case 9 -> nodes.objectNode().put("scope", "org/x");
            case 10 -> nodes.stringNode(pick(random, new String[] {"agent_failure", "WARNING", "INFO", "CRITICAL",
                    "TASK_COMPLETION", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+01:00", "2026-01-01 00:00:00Z",
                    "2026-01-01T00:00:00.Z", "1"}));
            case 11 -> nodes.stringNode(word(random));
            case 12 -> {
                target.put("unknown_" + word(random), word(random));
                yield target.get(field);
            }
            default -> {
                JsonNode old = target.get(field);
                target.remove(field);
                target.set(field.toUpperCase(), old == null ? nodes.nullNode() : old);
                yield null;
            }
        };
        if (value == null) {
            target.remove(field);
        } else {
            target.set(field, value);
        }
        return FleetJson.mapper().writeValueAsBytes(root);
    }

    /** A byte-level change: truncation, a replaced or inserted byte, a repeated field, trailing content. */
    private static byte[] mutateBytes(byte[] json, Random random) {
        String text = new String(json, StandardCharsets.UTF_8);
        String mutated = switch (random.nextInt(5)) {
            case 0 -> text.substring(0, random.nextInt(text.length()));
            case 1 -> {
                int at = random.nextInt(text.length());
                yield text.substring(0, at) + pick(random, new String[] {"\"", "{", "}", ",", ":", "\\", "x", "\u0001", "é"})
                        + text.substring(at + 1);
            }
            case 2 -> {
                int at = random.nextInt(text.length());
                yield text.substring(0, at) + pick(random, new String[] {" ", "\"", ",", "]", "0"}) + text.substring(at);
            }
            case 3 -> "{\"severity\":\"" + pick(random, EventSeverity.values()) + "\"," + text.substring(1);
            default -> text + pick(random, new String[] {" ", "{}", "x", "\n", "[]"});
        };
        return mutated.getBytes(StandardCharsets.UTF_8);
    }

    private static String word(Random random) {
        StringBuilder b = new StringBuilder();
        int length = 1 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            b.append(kind == 0 ? '"' : kind == 1 ? '\\' : kind == 2 ? 'ü' : kind == 3 ? '*' : (char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

}
