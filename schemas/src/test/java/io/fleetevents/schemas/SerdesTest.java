package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SerdesTest {

    private static final Instant NOW = Instant.parse("2026-03-02T09:14:46.012Z");

    @Test
    void shouldRoundTripBothKindsOfSnapshotRecordThroughTheTopicSerde() {
        Topic<String, SnapshotRecord> topic = Topics.AGENT_SNAPSHOTS;
        SnapshotRecord snapshot = new AgentSnapshot(1, "acme", 3, NOW, "ws-1/main",
                RawJson.parse("{\"id\":\"a\",\"name\":\"main\",\"unknown_future_field\":{\"x\":[1,null]}}"),
                RawJson.parse("{\"id\":\"ws-1\"}"), RawJson.parse("{\"id\":\"t\",\"status\":\"active\"}"));
        SnapshotRecord marker = new CycleMarker(1, "acme", 3, NOW, 2, 6, List.of("ws-1/main"));

        byte[] snapshotBytes = topic.valueSerde().serializer().serialize(topic.name(), snapshot);
        byte[] markerBytes = topic.valueSerde().serializer().serialize(topic.name(), marker);

        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), snapshotBytes)).isEqualTo(snapshot);
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), markerBytes)).isEqualTo(marker);
        assertThat(new String(snapshotBytes, StandardCharsets.UTF_8))
                .startsWith("{\"kind\":\"agent_snapshot\"")
                .contains("\"unknown_future_field\":{\"x\":[1,null]}")
                .contains("\"observed_at\":\"2026-03-02T09:14:46.012Z\"");
    }

    @Test
    void shouldWriteRawJsonMadeFromUtf8BytesExactlyAsRawJsonMadeFromText() {
        String agent = "{\"id\":\"a\",\"name\":\"main\",\"display\":\"caf\u00e9 \u2603 \ud83d\ude80\","
                + "\"escaped\":\"tab\\t quote\\\" \\u0001\"}";
        String workspace = "{\"id\":\"ws-1\",\"owner_name\":\"j\u00fcrgen\"}";
        RawJson agentFromBytes = RawJson.ofCompactUtf8(agent.getBytes(StandardCharsets.UTF_8));
        AgentSnapshot fromText = new AgentSnapshot(1, "acme", 3, NOW, "ws-1/main", new RawJson(agent),
                new RawJson(workspace), null);
        AgentSnapshot fromBytes = new AgentSnapshot(1, "acme", 3, NOW, "ws-1/main", agentFromBytes,
                RawJson.ofCompactUtf8(workspace.getBytes(StandardCharsets.UTF_8)), null);
        Topic<String, SnapshotRecord> topic = Topics.AGENT_SNAPSHOTS;

        byte[] expected = topic.valueSerde().serializer().serialize(topic.name(), fromText);
        byte[] actual = topic.valueSerde().serializer().serialize(topic.name(), fromBytes);

        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8))
                .contains(agent);
        assertThat(actual).isEqualTo(expected);
        // the char-based generator (writeValueAsString) and tree conversion write the same JSON
        assertThat(FleetJson.mapper().writeValueAsString(fromBytes))
                .isEqualTo(FleetJson.mapper().writeValueAsString(fromText));
        assertThat(FleetJson.mapper().valueToTree(fromBytes).toString())
                .isEqualTo(FleetJson.mapper().valueToTree(fromText).toString());
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), actual)).isEqualTo(fromText);
        assertThat(agentFromBytes).isEqualTo(new RawJson(agent)).hasSameHashCodeAs(new RawJson(agent));
        assertThat(agentFromBytes.json()).isEqualTo(agent);
        assertThat(agentFromBytes.node().path("display").asString()).isEqualTo("caf\u00e9 \u2603 \ud83d\ude80");
    }

    @Test
    void shouldRejectRawJsonBytesThatAreEmptyOrNotAnObject() {
        assertThatThrownBy(() -> RawJson.ofCompactUtf8(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> RawJson.ofCompactUtf8("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a JSON object");
    }

    @Test
    void shouldTurnPoisonBytesIntoASerializationExceptionNamingTheType() {
        JsonSerde<SnapshotRecord> serde = new JsonSerde<>(SnapshotRecord.class);
        byte[] garbage = "{\"kind\":\"agent_snapshot\",\"deployment\":".getBytes(StandardCharsets.UTF_8);
        byte[] invalid = ("{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"agent_key\":\"ws/main\",\"workspace\":{}}").getBytes(StandardCharsets.UTF_8);
        byte[] unknownKind = "{\"kind\":\"mystery\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserialize("t", garbage)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("SnapshotRecord");
        assertThatThrownBy(() -> serde.deserialize("t", invalid)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("agent is required");
        assertThatThrownBy(() -> serde.deserialize("t", unknownKind)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("mystery");
    }

    @Test
    void shouldIgnoreUnknownFieldsAndTreatNullPayloadAsTombstone() {
        JsonSerde<CapacitySample> serde = new JsonSerde<>(CapacitySample.class);
        byte[] withExtra = ("{\"schema_version\":1,\"deployment\":\"d\",\"scope\":\"fleet\",\"poll_id\":1,"
                + "\"observed_at\":\"2026-03-02T09:14:46Z\",\"workspaces\":1,\"agents\":1,\"connected_agents\":1,"
                + "\"working_agents\":1,\"utilisation\":1.0,\"pending_builds\":0,\"added_in_v2\":true}").getBytes(StandardCharsets.UTF_8);

        assertThat(serde.deserialize("t", withExtra).utilisation()).isEqualTo(1.0);
        assertThat(serde.deserialize("t", null)).isNull();
        assertThat(serde.serialize("t", null)).isNull();
    }

    @Test
    void shouldNameDeadLetterTopicsAfterTheirSource() {
        assertThat(Topics.AGENT_SNAPSHOTS_DLQ.name()).isEqualTo("coder.agent-snapshots.dlq");
        assertThat(Topics.FLEET_EVENTS.withName("acme.events").deadLetter().name()).isEqualTo("acme.events.dlq");
        assertThat(Topics.FLEET_CAPACITY.configs()).containsEntry("cleanup.policy", "compact,delete");
    }
}
