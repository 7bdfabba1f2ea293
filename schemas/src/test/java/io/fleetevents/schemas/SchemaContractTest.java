package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON Schemas and the Java records describe the same contract: neither can drift from the other. */
class SchemaContractTest {

    private static final Map<String, Class<?>> JAVA_TYPES = Map.of(
            "event-notification", EventNotification.class,
            "snapshot-record", SnapshotRecord.class,
            "capacity-sample", CapacitySample.class,
            "subscription-filter", SubscriptionFilter.class,
            "fleet-agent", FleetAgent.class);

    static List<String> schemaNames() {
        return PublishedSchemas.NAMES;
    }

    @ParameterizedTest
    @MethodSource("schemaNames")
    void shouldPublishEverySchemaAsDraft202012WithExamples(String name) {
        JsonNode schema = PublishedSchemas.document(name);

        assertThat(schema.get("$schema").asString()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("examples").size()).isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("schemaNames")
    void shouldValidateEverySchemaExampleAgainstItsSchemaAndTheJavaModel(String name) {
        for (JsonNode example : PublishedSchemas.examples(name)) {
            assertThat(PublishedSchemas.errors(name, example)).as("schema errors of example %s", example).isEmpty();

            Object parsed = FleetJson.mapper().treeToValue(example, JAVA_TYPES.get(name));
            JsonNode written = FleetJson.mapper().valueToTree(parsed);

            assertThat(withoutNullFields(written)).as("round trip of %s", example).isEqualTo(withoutNullFields(example));
            assertThat(PublishedSchemas.errors(name, written)).as("schema errors of re-written %s", written).isEmpty();
        }
    }

    @Test
    void shouldWriteJavaObjectsThatValidateAgainstTheSchemas() {
        Instant now = Instant.parse("2026-03-02T09:14:46.012Z");
        AgentRef ref = new AgentRef("ws-1/main", "alice/ws.main", "ws-1", "alice", "coder", "claude-code");
        EventNotification event = new EventNotification(EventIds.of("acme", EventType.TASK_FAILURE, "ws-1/main", "s1"),
                EventType.TASK_FAILURE, EventSeverity.WARNING, now, "aa11", "task-9", "Task failed",
                Map.of("error", "tests still red", "attempt", 3), ref, Map.of("state", "working"),
                Map.of("state", "failure"), now, 1);
        AgentSnapshot snapshot = new AgentSnapshot(1, "acme", 42, now, "ws-1/main",
                RawJson.parse("{\"id\":\"aa11\",\"name\":\"main\",\"status\":\"connected\",\"parent_id\":null}"),
                RawJson.parse("{\"id\":\"ws-1\",\"latest_build\":{\"status\":\"running\"},\"future_field\":[1,2]}"), null);
        CycleMarker marker = new CycleMarker(1, "acme", 42, now, 0, 6, List.of("ws-1/main", "ws-2/"));
        CapacitySample sample = new CapacitySample(1, "acme", "org/coder", 42, now, 3, 4, 3, 2,
                CapacitySample.utilisation(2, 3), 1);
        SubscriptionFilter filter = new SubscriptionFilter(List.of(EventType.AGENT_FAILURE), List.of("alice/*"),
                EventSeverity.CRITICAL);

        assertThat(PublishedSchemas.errors("event-notification", FleetJson.mapper().valueToTree(event))).isEmpty();
        assertThat(PublishedSchemas.errors("snapshot-record", FleetJson.mapper().valueToTree((SnapshotRecord) snapshot))).isEmpty();
        assertThat(PublishedSchemas.errors("snapshot-record", FleetJson.mapper().valueToTree((SnapshotRecord) marker))).isEmpty();
        assertThat(PublishedSchemas.errors("capacity-sample", FleetJson.mapper().valueToTree(sample))).isEmpty();
        assertThat(PublishedSchemas.errors("subscription-filter", FleetJson.mapper().valueToTree(filter))).isEmpty();
    }

    @Test
    void shouldReadACapacitySampleWrittenBeforePrebuildsWereCountedWithZeroPrebuilds() {
        String old = "{\"schema_version\":1,\"deployment\":\"acme\",\"scope\":\"fleet\",\"poll_id\":4,"
                + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"workspaces\":2,\"agents\":2,\"connected_agents\":1,"
                + "\"working_agents\":1,\"utilisation\":1.0,\"pending_builds\":0}";

        CapacitySample sample = FleetJson.mapper().readValue(old, CapacitySample.class);

        assertThat(sample.prebuiltWorkspaces()).isZero();
        assertThat(sample.prebuiltAgents()).isZero();
        assertThat(PublishedSchemas.errors("capacity-sample", FleetJson.mapper().readTree(old))).isEmpty();
    }

    @Test
    void shouldWriteFleetAgentsThatValidateAgainstTheirSchema() {
        Instant now = Instant.parse("2026-03-02T09:14:46.012Z");
        AgentRef ref = new AgentRef("ws-1/main", "alice/ws.main", "ws-1", "alice", "coder", "claude-code");
        FleetAgent full = new FleetAgent(1, "acme", ref, "aa11", "connected", "ready",
                new FleetAgent.Workspace("start", "running", 7), new FleetAgent.Task("working", "fixing tests", now, "task-9"),
                new FleetAgent.LastEvent("e-1", EventType.AGENT_CONNECTED, now), now);
        FleetAgent bare = new FleetAgent(1, "acme", new AgentRef("ws-2/", null, null, null, null, null), null, null, null,
                null, null, null, now);

        assertThat(PublishedSchemas.errors("fleet-agent", FleetJson.mapper().valueToTree(full))).isEmpty();
        assertThat(PublishedSchemas.errors("fleet-agent", FleetJson.mapper().valueToTree(bare))).isEmpty();
        assertThat(full.route().owner()).isEqualTo("alice");
        assertThat(full.key()).isEqualTo("ws-1/main");
    }

    @Test
    void shouldReadAFleetAgentTombstoneAsNull() {
        byte[] tombstone = null;

        FleetAgent read = Topics.FLEET_AGENTS.valueSerde().deserializer().deserialize("fleet.agents", tombstone);

        assertThat(read).isNull();
        assertThat(Topics.FLEET_AGENTS.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldRejectInstancesTheJavaModelRejects() {
        JsonNode badSeverity = FleetJson.mapper().readTree(
                "{\"event_type\":\"AGENT_FAILURE\",\"severity\":\"FATAL\",\"timestamp\":\"2025-10-27T14:30:00Z\",\"message\":\"x\"}");
        JsonNode badTime = FleetJson.mapper().readTree(
                "{\"event_type\":\"AGENT_FAILURE\",\"severity\":\"INFO\",\"timestamp\":\"yesterday\",\"message\":\"x\"}");
        JsonNode agentlessWithBadKey = FleetJson.mapper().readTree(
                "{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                        + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"agent_key\":\"no-slash\",\"workspace\":{}}");

        assertThat(PublishedSchemas.errors("event-notification", badSeverity)).isNotEmpty();
        assertThat(PublishedSchemas.errors("event-notification", badTime)).isNotEmpty();
        assertThat(PublishedSchemas.errors("snapshot-record", agentlessWithBadKey)).isNotEmpty();
        JsonNode agentWithoutKey = FleetJson.mapper().readTree(
                "{\"schema_version\":1,\"deployment\":\"d\",\"agent\":{},\"observed_at\":\"2026-03-02T09:14:46Z\"}");
        assertThat(PublishedSchemas.errors("fleet-agent", agentWithoutKey)).isNotEmpty();
    }

    @Test
    void shouldWriteTaskUnknownAndDeparturesThatValidateAgainstTheSchema() {
        Instant now = Instant.parse("2026-03-02T09:14:46.012Z");
        AgentSnapshot unknownTask = new AgentSnapshot(1, "acme", 43, now, "ws-1/main",
                RawJson.parse("{\"id\":\"aa11\",\"name\":\"main\"}"), RawJson.parse("{\"id\":\"ws-1\"}"), null, true);
        Departure stopped = new Departure(Departure.Reason.WORKSPACE_STOPPED, "b-2", 2, "stop", "running", "alice", "ws-1");
        CycleMarker marker = new CycleMarker(1, "acme", 43, now, 0, 6, List.of("ws-2/"), Map.of("ws-1/main", stopped));

        JsonNode snapshotJson = FleetJson.mapper().valueToTree((SnapshotRecord) unknownTask);
        JsonNode markerJson = FleetJson.mapper().valueToTree((SnapshotRecord) marker);

        assertThat(PublishedSchemas.errors("snapshot-record", snapshotJson)).isEmpty();
        assertThat(PublishedSchemas.errors("snapshot-record", markerJson)).isEmpty();
        assertThat(snapshotJson.get("task_unknown").asBoolean()).isTrue();
        assertThat(markerJson.get("departures").get("ws-1/main").get("reason").asString()).isEqualTo("workspace_stopped");
        assertThat(FleetJson.mapper().treeToValue(markerJson, SnapshotRecord.class)).isEqualTo(marker);
        assertThat(FleetJson.mapper().treeToValue(snapshotJson, SnapshotRecord.class)).isEqualTo(unknownTask);
    }

    @Test
    void shouldReadAndWriteTheOlderShapeWithoutTaskUnknownOrDepartures() {
        Instant now = Instant.parse("2026-03-02T09:14:46.012Z");
        AgentSnapshot known = new AgentSnapshot(1, "acme", 42, now, "ws-1/", null, RawJson.parse("{\"id\":\"ws-1\"}"), null);
        CycleMarker marker = new CycleMarker(1, "acme", 42, now, 0, 6, List.of("ws-1/"));

        JsonNode snapshotJson = FleetJson.mapper().valueToTree((SnapshotRecord) known);
        JsonNode markerJson = FleetJson.mapper().valueToTree((SnapshotRecord) marker);

        assertThat(snapshotJson.has("task_unknown")).isFalse();
        assertThat(markerJson.has("departures")).isFalse();
        assertThat(((AgentSnapshot) FleetJson.mapper().treeToValue(snapshotJson, SnapshotRecord.class)).taskUnknown()).isFalse();
        assertThat(((CycleMarker) FleetJson.mapper().treeToValue(markerJson, SnapshotRecord.class)).departures()).isEmpty();
    }

    @Test
    void shouldRejectTaskUnknownWithATaskAndInconsistentDeparturesInSchemaAndJava() {
        JsonNode unknownWithTask = FleetJson.mapper().readTree(
                "{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                        + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"agent_key\":\"ws-1/\",\"workspace\":{},"
                        + "\"task\":{\"id\":\"t\"},\"task_unknown\":true}");
        JsonNode stoppedByStart = FleetJson.mapper().readTree(
                "{\"kind\":\"cycle_complete\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                        + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"partition\":0,\"partition_count\":1,\"agent_keys\":[],"
                        + "\"departures\":{\"ws-1/main\":{\"reason\":\"workspace_stopped\",\"build_id\":\"b\",\"build_number\":2,"
                        + "\"transition\":\"start\",\"job_status\":\"running\",\"workspace_id\":\"ws-1\"}}}");
        Instant now = Instant.parse("2026-03-02T09:14:46Z");
        Departure deleted = new Departure(Departure.Reason.WORKSPACE_DELETED, "b", 3, "delete", "succeeded", null, "ws-1");

        assertThat(PublishedSchemas.errors("snapshot-record", unknownWithTask)).isNotEmpty();
        assertThat(PublishedSchemas.errors("snapshot-record", stoppedByStart)).isNotEmpty();
        assertThatThrownBy(() -> FleetJson.mapper().treeToValue(unknownWithTask, SnapshotRecord.class))
                .hasMessageContaining("task_unknown");
        assertThatThrownBy(() -> FleetJson.mapper().treeToValue(stoppedByStart, SnapshotRecord.class))
                .hasMessageContaining("transition");
        assertThatThrownBy(() -> new CycleMarker(1, "d", 1, now, 0, 1, List.of("ws-1/main"), Map.of("ws-1/main", deleted)))
                .hasMessageContaining("departures['ws-1/main'] must not also be in agent_keys");
        assertThatThrownBy(() -> new CycleMarker(1, "d", 1, now, 0, 1, List.of(), Map.of("ws-2/main", deleted)))
                .hasMessageContaining("workspace_id");
        assertThatThrownBy(() -> new Departure(Departure.Reason.WORKSPACE_REBUILT, "b", 0, "start", "running", null, "ws-1"))
                .hasMessageContaining("build_number");
    }

    /** Absent and null are the same on the wire (writers omit nulls); raw Coder JSON is never normalised. */
    private static JsonNode withoutNullFields(JsonNode node) {
        if (!node.isObject()) {
            return node;
        }
        ObjectNode copy = FleetJson.mapper().createObjectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getValue().isNull()) {
                continue;
            }
            boolean raw = field.getKey().equals("agent") && node.has("kind") || field.getKey().equals("workspace")
                    || field.getKey().equals("task");
            copy.set(field.getKey(), raw ? field.getValue() : withoutNullFields(field.getValue()));
        }
        return copy;
    }
}
