package io.fleetevents.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SnapshotRecord;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Fixtures produce what the contract and Coder's shapes say, so tests built on them test the real thing. */
class FixturesTest {

    @Test
    void shouldBuildSnapshotsThatValidateAgainstThePublishedSchema() throws Exception {
        List<SnapshotRecord> records = List.of(
                Snapshots.agent("alice/fix-flaky-tests.main").build(),
                Snapshots.agent("alice/fix-flaky-tests.devcontainer").parentAgent("main").disconnected().build(),
                Snapshots.agentless("bob/broken").build(),
                Snapshots.marker("test", 3, 1, 6, List.of(Snapshots.keyOf("alice/fix-flaky-tests.main"))));

        Schema schema = schema("snapshot-record");
        for (SnapshotRecord record : records) {
            JsonNode json = FleetJson.mapper().readTree(FleetJson.mapper().writeValueAsBytes(record));
            assertThat(schema.validate(json)).as("%s", json).isEmpty();
        }
    }

    @Test
    void shouldGiveARebuildANewAgentUuidUnderTheSameKey() {
        AgentSnapshot first = Snapshots.agent("alice/ws.main").build();
        AgentSnapshot rebuilt = Snapshots.agent("alice/ws.main").buildNumber(2).build();

        assertThat(rebuilt.agentKey()).isEqualTo(first.agentKey());
        assertThat(rebuilt.agent().node().get("id")).isNotEqualTo(first.agent().node().get("id"));
    }

    @Test
    void shouldDeriveCoderWorkspaceStatusAndFreshAppStatusLikeCoder() {
        Instant at = Snapshots.T0.plusSeconds(600);
        AgentSnapshot failed = Snapshots.agentless("bob/broken").build();
        AgentSnapshot stopped = Snapshots.agent("alice/ws.main").stopped().build();
        AgentSnapshot done = Snapshots.agent("alice/ws.main").appStatus("working", "on it", at)
                .appStatus("complete", "opened PR", at.plusSeconds(60)).build();

        assertThat(failed.workspace().node().at("/latest_build/status").asString()).isEqualTo("failed");
        assertThat(failed.workspace().node().at("/latest_build/job/error").asString()).contains("quota");
        assertThat(stopped.workspace().node().at("/latest_build/status").asString()).isEqualTo("stopped");
        assertThat(stopped.agent().node().get("lifecycle_state").asString()).isEqualTo("off");
        assertThat(done.workspace().node().at("/latest_app_status/state").asString()).isEqualTo("complete");
        assertThat(done.agent().node().at("/apps/0/statuses").size()).isEqualTo(2);
    }

    @Test
    void shouldBuildEventsThatValidateAgainstThePublishedSchema() throws Exception {
        EventNotification event = Events.of(EventType.TASK_FAILURE, "alice/ws.main").metadata("error", "red").build();

        JsonNode json = FleetJson.mapper().valueToTree(event);

        assertThat(schema("event-notification").validate(json)).isEmpty();
        assertThat(event.agentKey()).isEqualTo(Snapshots.keyOf("alice/ws.main"));
    }

    private static Schema schema(String name) throws Exception {
        try (InputStream in = FixturesTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }
}
