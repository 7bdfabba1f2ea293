package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the topology writes to {@code fleet.agents}: one record per changed agent state, a tombstone when gone. */
class FleetAgentsTopologyTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldWriteTheAgentsCurrentStateWithItsLatestTaskAndLastEvent() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(3)
                .appStatus("working", "running the tests", T0.plusSeconds(600))
                .appStatus("complete", "All 412 tests pass", T0.plusSeconds(900));

        harness.pipe(alice);

        List<EventNotification> events = harness.drainEvents();
        EventNotification last = events.get(events.size() - 1);
        assertThat(last.eventType()).isEqualTo(EventType.TASK_COMPLETION);
        TestRecord<String, FleetAgent> record = harness.agents.readRecord();
        assertThat(record.key()).isEqualTo(alice.key());
        FleetAgent agent = record.value();
        assertThat(agent.key()).isEqualTo(alice.key());
        assertThat(agent.deployment()).isEqualTo(Snapshots.DEPLOYMENT);
        assertThat(agent.agent().path()).isEqualTo(ALICE);
        assertThat(agent.agent().owner()).isEqualTo("alice");
        assertThat(agent.agent().organization()).isEqualTo("coder");
        assertThat(agent.agent().template()).isEqualTo("claude-code");
        assertThat(agent.agentId()).isEqualTo(alice.agentId());
        assertThat(agent.status()).isEqualTo("connected");
        assertThat(agent.lifecycleState()).isEqualTo("ready");
        assertThat(agent.workspace()).isEqualTo(new FleetAgent.Workspace("start", "running", 1));
        assertThat(agent.task()).isEqualTo(new FleetAgent.Task("complete", "All 412 tests pass", T0.plusSeconds(900),
                null));
        assertThat(agent.lastEvent()).isEqualTo(new FleetAgent.LastEvent(last.eventId(), last.eventType(),
                last.timestamp()));
        assertThat(agent.observedAt()).isEqualTo(alice.build().observedAt());
        assertThat(harness.agents.isEmpty()).isTrue();
    }

    @Test
    void shouldWriteOneRecordPerAcceptedSnapshotAndNoneForARepeatedOrStaleOne() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(2);
        harness.pipe(alice);
        harness.pipe(alice);
        harness.pipe(Snapshots.agent(ALICE).pollId(1));

        assertThat(harness.agents.readValuesToList()).hasSize(1);

        harness.pipe(Snapshots.agent(ALICE).pollId(3));

        assertThat(harness.agents.readValuesToList()).singleElement()
                .satisfies(a -> assertThat(a.observedAt()).isEqualTo(Snapshots.agent(ALICE).pollId(3).build()
                        .observedAt()));
        assertThat(harness.drainEvents()).hasSize(1);
    }

    @Test
    void shouldCarryTheTaskIdWhenTheStateComesFromACoderTask() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(1)
                .task("active", "working", "Refactoring the parser", T0.plusSeconds(700));

        harness.pipe(alice);

        String taskId = SnapshotJson.tree(alice.build()).get("task").get("id").asString();
        assertThat(harness.agents.readValue().task())
                .isEqualTo(new FleetAgent.Task("working", "Refactoring the parser", T0.plusSeconds(700), taskId));
    }

    @Test
    void shouldKeepTheLastKnownTaskWhileTheTasksApiIsUnknown() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(1)
                .task("active", "working", "Refactoring the parser", T0.plusSeconds(700));
        harness.pipe(alice);
        FleetAgent.Task known = harness.agents.readValue().task();

        harness.pipe(Snapshots.agent(ALICE).pollId(2).taskUnknown());

        FleetAgent unknown = harness.agents.readValue();
        assertThat(unknown.task()).isEqualTo(known);
        assertThat(unknown.task().taskId()).isNotNull();
        assertThat(harness.drainEvents()).extracting(EventNotification::eventType)
                .containsExactly(EventType.AGENT_CONNECTED);
    }

    @Test
    void shouldTakeANewerAppStatusWhileTheTasksApiIsUnknown() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1)
                .task("active", "working", "Refactoring the parser", T0.plusSeconds(700)));
        harness.agents.readValue();

        harness.pipe(Snapshots.agent(ALICE).pollId(2).taskUnknown()
                .appStatus("complete", "Parser refactored", T0.plusSeconds(800)));

        FleetAgent.Task task = harness.agents.readValue().task();
        assertThat(task.state()).isEqualTo("complete");
        assertThat(task.message()).isEqualTo("Parser refactored");
        assertThat(task.at()).isEqualTo(T0.plusSeconds(800));
    }

    @Test
    void shouldWriteATombstoneWhenTheAgentVanishesFromACompleteCycle() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(1);
        Snapshots.Builder bob = Snapshots.agent("bob/api.main").pollId(1);
        harness.pipe(alice);
        harness.pipe(bob);
        harness.marker(1, alice.key(), bob.key());
        harness.agents.readRecordsToList();

        harness.marker(2, bob.key());

        assertThat(harness.drainEvents()).extracting(EventNotification::eventType)
                .containsExactly(EventType.AGENT_CONNECTED, EventType.AGENT_CONNECTED, EventType.AGENT_DISCONNECTED);
        TestRecord<String, FleetAgent> tombstone = harness.agents.readRecord();
        assertThat(tombstone.key()).isEqualTo(alice.key());
        assertThat(tombstone.value()).isNull();
        assertThat(harness.agents.isEmpty()).isTrue();

        harness.marker(3, bob.key());

        assertThat(harness.agents.isEmpty()).as("the tombstone is written once").isTrue();
    }

    @Test
    void shouldWriteATombstoneWhenTheWorkspaceIsDeleted() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).pollId(1);
        harness.pipe(alice);
        harness.agents.readValue();

        harness.pipe(SnapshotJson.departure(SnapshotJson.marker(2, T0.plusSeconds(600), List.of()), alice.key(),
                "workspace_deleted", 2, "delete", "alice"));

        assertThat(harness.drainEvents()).extracting(e -> e.metadata().get("reason"))
                .containsExactly(null, "workspace_deleted");
        TestRecord<String, FleetAgent> tombstone = harness.agents.readRecord();
        assertThat(tombstone.key()).isEqualTo(alice.key());
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void shouldListAWorkspaceWithoutAgentAndForgetItWithATombstone() {
        Snapshots.Builder broken = Snapshots.agentless("carol/broken").pollId(1);
        harness.pipe(broken);

        FleetAgent workspace = harness.agents.readValue();
        assertThat(workspace.key()).isEqualTo(broken.key());
        assertThat(workspace.agentId()).isNull();
        assertThat(workspace.status()).isNull();
        assertThat(workspace.workspace()).isEqualTo(new FleetAgent.Workspace("start", "failed", 1));
        assertThat(workspace.lastEvent().eventType()).isEqualTo(EventType.AGENT_FAILURE);

        harness.marker(2);

        assertThat(harness.agents.readRecord().value()).isNull();
    }

    @Test
    void shouldNotListAnUnclaimedPrebuildUntilItIsClaimed() {
        Snapshots.Builder prebuilt = Snapshots.agent("prebuilds/pb-x7.main").pollId(1);
        harness.pipe(SnapshotJson.tree(prebuilt, t -> SnapshotJson.workspace(t).put("is_prebuild", true)));
        harness.marker(1, prebuilt.key());

        assertThat(harness.agents.isEmpty()).isTrue();

        harness.pipe(SnapshotJson.tree(Snapshots.agent("prebuilds/pb-x7.main").pollId(2), t -> {
            SnapshotJson.workspace(t).put("owner_name", "bob");
            SnapshotJson.workspace(t).put("name", "bobs-task");
        }));

        FleetAgent claimed = harness.agents.readValue();
        assertThat(claimed.agent().path()).isEqualTo("bob/bobs-task.main");
        assertThat(claimed.lastEvent().eventType()).isEqualTo(EventType.AGENT_CONNECTED);
    }

    @Test
    void shouldForgetAnUnclaimedPrebuildWithoutATombstone() {
        Snapshots.Builder prebuilt = Snapshots.agent("prebuilds/pb-x7.main").pollId(1);
        harness.pipe(SnapshotJson.tree(prebuilt, t -> SnapshotJson.workspace(t).put("is_prebuild", true)));

        harness.marker(2);

        assertThat(harness.agents.isEmpty()).isTrue();
        assertThat(harness.agentStates().get(prebuilt.key())).isNull();
    }

    @Test
    void shouldUpdateTheLastEventWhenAMarkerReportsADisconnectThatDidNotHeal() {
        Instant down = T0.plusSeconds(2000);
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        Snapshots.Builder disconnected = Snapshots.agent(ALICE).pollId(2).disconnectedAt(down)
                .observedAt(down.plusSeconds(5));
        harness.pipe(disconnected);
        harness.agents.readValuesToList();

        harness.markerAt(3, down.plusSeconds(60), disconnected.key());

        EventNotification failure = harness.drainEvents().get(1);
        assertThat(failure.eventType()).isEqualTo(EventType.AGENT_FAILURE);
        FleetAgent agent = harness.agents.readValue();
        assertThat(agent.lastEvent()).isEqualTo(new FleetAgent.LastEvent(failure.eventId(), EventType.AGENT_FAILURE,
                down));
        assertThat(agent.status()).isEqualTo("disconnected");
        assertThat(agent.observedAt()).as("the snapshot it reflects").isEqualTo(down.plusSeconds(5));
    }

    @Test
    void shouldKeepTheLastEventAcrossSnapshotsThatEmitNone() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        FleetAgent.LastEvent connected = harness.agents.readValue().lastEvent();

        harness.pipe(Snapshots.agent(ALICE).pollId(2).appStatus("working", "on it", T0.plusSeconds(600)));

        FleetAgent working = harness.agents.readValue();
        assertThat(working.lastEvent()).isEqualTo(connected);
        assertThat(working.task().state()).isEqualTo("working");
    }
}
