package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One scenario per behaviour of Coder that the newest statuses, the connection status or the workspace list alone
 * would misread (coder-api.md §16), through the real topology.
 */
class CoderBehaviourTopologyTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";
    private static final String DEV = "alice/fix-flaky-tests.devcontainer";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldActOnEveryAppStatusSinceTheLastOneActedOnWithOneEventPerTurn() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        harness.drainEvents();
        // Between two polls: a turn ends explicitly (AgentAPI adds idle ~2 s later), the next goes working -> idle.
        // Current Coder lists the statuses newest first.
        ObjectNode poll2 = newestFirst(Snapshots.agent(ALICE).pollId(2)
                .appStatus("working", "fixing the flaky test", T0.plusSeconds(700))
                .appStatus("complete", "opened PR #12", T0.plusSeconds(760))
                .appStatus("idle", "", T0.plusSeconds(762))
                .appStatus("working", "answering review", T0.plusSeconds(800))
                .appStatus("idle", "", T0.plusSeconds(860)));

        harness.pipe(poll2);
        List<EventNotification> events = harness.drainEvents();
        harness.pipe(poll2);

        assertThat(events).extracting(EventNotification::eventType, EventNotification::timestamp,
                        EventNotification::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventType.TASK_COMPLETION, T0.plusSeconds(760),
                                "opened PR #12"),
                        org.assertj.core.groups.Tuple.tuple(EventType.TASK_COMPLETION, T0.plusSeconds(860),
                                "Agent stopped working and waits for input"));
        assertThat(events.get(1).metadata()).containsEntry("reported_state", "idle").containsEntry("implicit", true);
        assertThat(harness.drainEvents()).as("the same statuses again").isEmpty();
        try (TopologyHarness replay = new TopologyHarness()) {
            replay.pipe(Snapshots.agent(ALICE).pollId(1));
            replay.pipe(poll2);
            assertThat(replay.drainEvents().stream().skip(1).map(EventNotification::eventId))
                    .as("ids derived from the statuses").containsExactlyElementsOf(
                            events.stream().map(EventNotification::eventId).toList());
        }
    }

    @Test
    void shouldReadAnUnknownTaskPartAsNoChange() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1).task("error", null, null, null));
        assertThat(harness.drainEvents()).extracting(EventNotification::eventType)
                .containsExactly(EventType.AGENT_CONNECTED, EventType.TASK_FAILURE);

        harness.pipe(SnapshotJson.tree(Snapshots.agent(ALICE).pollId(2), tree -> {
            tree.remove("task");
            tree.put("task_unknown", true);
        }));
        harness.pipe(Snapshots.agent(ALICE).pollId(3).task("error", null, null, null));

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldReportADepartureWithItsBuildInsteadOfAVanish() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(1);
        harness.pipe(alice);
        harness.drainEvents();

        harness.pipe(SnapshotJson.departure(SnapshotJson.marker(2, T0.plusSeconds(200), List.of()), alice.key(),
                "workspace_stopped", 2, "stop", "alice"));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_DISCONNECTED);
            assertThat(e.severity()).isEqualTo(EventSeverity.INFO);
            assertThat(e.agentId()).isEqualTo(alice.agentId());
            assertThat(e.metadata()).containsEntry("reason", "workspace_stopped").containsEntry("build_number", 2)
                    .containsEntry("initiator", "alice").containsEntry("transition", "stop");
        });
        assertThat(harness.agentStates().get(alice.key())).isNull();
    }

    @Test
    void shouldReportADevContainerRecreationAsDisconnectAndConnectNeverAsFailure() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        Snapshots.Builder old = Snapshots.agent(DEV).parentAgent("main").pollId(1);
        harness.pipe(old);
        harness.drainEvents();
        String newId = "7e57a9e1-0000-4000-8000-000000000001";

        harness.pipe(SnapshotJson.tree(Snapshots.agent(DEV).parentAgent("main").disconnectedAt(T0.plusSeconds(100))
                .observedAt(T0.plusSeconds(101)).pollId(2), t -> { }));
        harness.markerAt(2, T0.plusSeconds(102), Snapshots.keyOf(ALICE), old.key());
        harness.pipe(SnapshotJson.tree(Snapshots.agent(DEV).parentAgent("main").observedAt(T0.plusSeconds(130))
                .pollId(3), t -> SnapshotJson.agent(t).put("id", newId)));

        List<EventNotification> events = harness.drainEvents();
        assertThat(events).extracting(EventNotification::eventType, EventNotification::agentId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_DISCONNECTED, old.agentId()),
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_CONNECTED, newId));
        assertThat(events.get(0).metadata()).containsEntry("reason", "recreated");
        assertThat(events.get(1).metadata()).containsEntry("recreated", true)
                .containsEntry("previous_agent_id", old.agentId());
    }

    @Test
    void shouldIgnoreADisconnectThatHealsWithinTheGraceAndReportOneThatDoesNot() {
        String key = Snapshots.keyOf(ALICE);
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        harness.drainEvents();
        // A coderd restart: disconnected_at set at once, cleared at the first ping after the reconnect (15 s).
        Instant blip = T0.plusSeconds(1000);
        harness.pipe(Snapshots.agent(ALICE).disconnectedAt(blip).observedAt(blip.plusSeconds(3)).pollId(2));
        harness.markerAt(2, blip.plusSeconds(4), key);
        harness.pipe(Snapshots.agent(ALICE).observedAt(blip.plusSeconds(20)).pollId(3));
        harness.markerAt(3, blip.plusSeconds(21), key);
        assertThat(harness.drainEvents()).as("a healed blip").isEmpty();

        Instant lost = T0.plusSeconds(2000);
        List<EventNotification> events = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            long poll = 4 + i;
            Instant now = lost.plusSeconds(1 + 5L * i);
            harness.pipe(Snapshots.agent(ALICE).disconnectedAt(lost).observedAt(now).pollId(poll));
            harness.markerAt(poll, now.plusMillis(500), key);
            events.addAll(harness.drainEvents());
        }

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.CRITICAL);
            assertThat(e.message()).isEqualTo("Agent disconnected unexpectedly");
            assertThat(e.timestamp()).isEqualTo(lost);
            // the first poll past disconnected_at + 45 s reports it (detection = grace + up to one poll)
            assertThat(e.observedAt()).isEqualTo(lost.plusSeconds(46));
        });
    }

    @Test
    void shouldKeepUnclaimedPrebuildsQuietAndApartInCapacityAndAnnounceTheClaim() {
        Snapshots.Builder prebuilt = Snapshots.agent("prebuilds/pb-x7.main").pollId(1);
        Snapshots.Builder regular = Snapshots.agent(ALICE).pollId(1);
        harness.pipe(SnapshotJson.tree(prebuilt, t -> SnapshotJson.workspace(t).put("is_prebuild", true)));
        harness.pipe(regular);
        harness.marker(1, prebuilt.key(), regular.key());

        assertThat(harness.drainEvents()).extracting(e -> e.agent().key()).containsExactly(regular.key());
        CapacitySample fleet = harness.capacity.readKeyValuesToMap().get("fleet");
        assertThat(fleet.workspaces()).isEqualTo(1);
        assertThat(fleet.agents()).isEqualTo(1);
        assertThat(fleet.connectedAgents()).isEqualTo(1);
        assertThat(fleet.prebuiltWorkspaces()).isEqualTo(1);
        assertThat(fleet.prebuiltAgents()).isEqualTo(1);

        harness.pipe(SnapshotJson.tree(Snapshots.agent("prebuilds/pb-x7.main").pollId(2), t -> {
            SnapshotJson.workspace(t).put("owner_name", "bob");
            SnapshotJson.workspace(t).put("name", "bobs-task");
        }));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_CONNECTED);
            assertThat(e.agent().key()).isEqualTo(prebuilt.key());
            assertThat(e.agent().path()).isEqualTo("bob/bobs-task.main");
            assertThat(e.agent().owner()).isEqualTo("bob");
            assertThat(e.metadata()).containsEntry("claimed", true);
        });
    }

    /** The snapshot with its app statuses in current Coder's order (created_at DESC). */
    private static ObjectNode newestFirst(Snapshots.Builder builder) {
        return SnapshotJson.tree(builder, tree -> {
            ArrayNode statuses = (ArrayNode) SnapshotJson.agent(tree).get("apps").get(0).get("statuses");
            List<JsonNode> items = new ArrayList<>();
            statuses.forEach(items::add);
            statuses.removeAll();
            for (int i = items.size() - 1; i >= 0; i--) {
                statuses.add(items.get(i));
            }
        });
    }
}
