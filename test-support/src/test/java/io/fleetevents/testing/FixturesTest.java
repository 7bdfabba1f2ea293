package io.fleetevents.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Departure;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SnapshotRecord;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
                Snapshots.marker("test", 3, 1, 6, List.of(Snapshots.keyOf("alice/fix-flaky-tests.main"))),
                Snapshots.agent("alice/ws.main").taskUnknown().prebuild().initiator("alice").build(),
                Snapshots.marker("test", 4, 1, 6, List.of(), Map.of(Snapshots.keyOf("alice/ws.main"),
                        Snapshots.departure(Snapshots.agent("alice/ws.main").buildNumber(2).transition("stop")
                                .jobStatus("running").initiator("alice")))));

        Schema schema = schema("snapshot-record");
        for (SnapshotRecord record : records) {
            JsonNode json = FleetJson.mapper().readTree(FleetJson.mapper().writeValueAsBytes(record));
            assertThat(schema.validate(json)).as("%s", json).isEmpty();
        }
    }

    @Test
    void shouldListAppStatusesInTheCallersOrderWithIdUriAndNewestAsLatest() {
        Instant at = Snapshots.T0.plusSeconds(600);
        AgentSnapshot snapshot = Snapshots.agent("alice/ws.main").appStatuses(
                Snapshots.appStatus("s-3", "idle", "", at.plusSeconds(62), null),
                Snapshots.appStatus("s-2", "complete", "opened PR", at.plusSeconds(60), "https://git/pr/7"),
                Snapshots.appStatus(null, "working", "on it", at, null)).build();

        JsonNode statuses = snapshot.agent().node().at("/apps/0/statuses");
        assertThat(statuses.size()).isEqualTo(3);
        assertThat(statuses.get(0).get("id").asString()).isEqualTo("s-3");
        assertThat(statuses.get(1).get("uri").asString()).isEqualTo("https://git/pr/7");
        assertThat(statuses.get(1).get("created_at").asString()).isEqualTo(at.plusSeconds(60).toString());
        assertThat(statuses.get(2).get("id").asString()).isNotBlank();
        assertThat(statuses.get(2).get("uri").asString()).isEmpty();
        assertThat(snapshot.workspace().node().at("/latest_app_status/id").asString()).isEqualTo("s-3");
    }

    @Test
    void shouldMarkPrebuildsInitiatorsUnknownTasksAndDepartures() {
        AgentSnapshot prebuilt = Snapshots.agent("alice/ws.main").prebuild().initiator("autostart").taskUnknown().build();
        AgentSnapshot claimed = Snapshots.agent("alice/ws.main").build();
        Departure rebuilt = Snapshots.departure(Snapshots.agent("alice/ws.main").buildNumber(3).jobStatus("pending"));
        CycleMarker marker = Snapshots.marker("test", 5, 0, 1, List.of(), Map.of(claimed.agentKey(), rebuilt));

        assertThat(prebuilt.workspace().node().get("is_prebuild").asBoolean()).isTrue();
        assertThat(prebuilt.workspace().node().get("owner_name").asString()).isEqualTo("prebuilds");
        assertThat(prebuilt.workspace().node().get("id")).isEqualTo(claimed.workspace().node().get("id"));
        assertThat(claimed.workspace().node().has("is_prebuild")).isFalse();
        assertThat(prebuilt.workspace().node().at("/latest_build/initiator_name").asString()).isEqualTo("autostart");
        assertThat(prebuilt.taskUnknown()).isTrue();
        assertThat(prebuilt.task()).isNull();
        assertThat(rebuilt.reason()).isEqualTo(Departure.Reason.WORKSPACE_REBUILT);
        assertThat(rebuilt.buildNumber()).isEqualTo(3);
        assertThat(rebuilt.buildId()).isEqualTo(Snapshots.agent("alice/ws.main").buildNumber(3).buildId());
        assertThat(marker.departures()).containsOnlyKeys(claimed.agentKey());
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
