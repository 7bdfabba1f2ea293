package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.DlqHeaders;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Idempotence, ordering, identity and poison-input behaviour of the agent-diff half of the topology. */
class AgentStateTopologyTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";
    private static final String BOB = "bob/refactor.main";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldEmitNothingWhenTheSameSnapshotArrivesTwice() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(2));

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldEmitNothingNewWhenAWholeHistoryIsReplayed() {
        List<SnapshotRecord> history = List.of(
                Snapshots.agent(ALICE).connecting().pollId(1).build(),
                Snapshots.agent(ALICE).connected().pollId(2).build(),
                Snapshots.agent(ALICE).appStatus("complete", "done", T0.plusSeconds(700)).pollId(3).build(),
                Snapshots.agent(ALICE).disconnected().pollId(4).build());
        Runnable pipeHistory = () -> {
            history.forEach(harness::pipe);
            // the disconnect (at T0 + 1800 s) outlasts the grace by this marker
            harness.markerAt(5, T0.plusSeconds(1900), Snapshots.keyOf(ALICE));
        };
        pipeHistory.run();
        assertThat(harness.drainEvents()).hasSize(3);

        pipeHistory.run();

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldNeverRollStateBackWhenAnOlderSnapshotArrivesLate() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(5));
        harness.pipe(Snapshots.agent(ALICE).disconnected().pollId(6));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).connected().pollId(5));
        harness.pipe(Snapshots.agent(ALICE).disconnected().pollId(7));

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldDeriveTheSameEventIdsWhenTheSameInputIsProcessedAgain() {
        List<SnapshotRecord> history = List.of(
                Snapshots.agent(ALICE).connected().pollId(1).build(),
                Snapshots.agent(ALICE).disconnected().pollId(2).build(),
                new io.fleetevents.schemas.CycleMarker(1, Snapshots.DEPLOYMENT, 2, T0.plusSeconds(1900), 0, 1,
                        List.of(Snapshots.keyOf(ALICE))),
                Snapshots.agent(ALICE).connected().pollId(3).build());
        history.forEach(harness::pipe);
        List<String> first = harness.drainEvents().stream().map(EventNotification::eventId).toList();

        List<String> second;
        try (TopologyHarness fresh = new TopologyHarness()) {
            history.forEach(fresh::pipe);
            second = fresh.drainEvents().stream().map(EventNotification::eventId).toList();
        }

        assertThat(first).hasSize(3).doesNotHaveDuplicates().isEqualTo(second);
    }

    @Test
    void shouldReportARebuiltAgentWithItsNewUuidUnderTheSameKey() {
        Snapshots.Builder build1 = Snapshots.agent(ALICE).connected().pollId(1);
        Snapshots.Builder build2 = Snapshots.agent(ALICE).buildNumber(2).connected().pollId(2);
        harness.pipe(build1);
        harness.drainEvents();

        harness.pipe(build2);

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_CONNECTED);
            assertThat(e.agent().key()).isEqualTo(build1.key());
            assertThat(e.agentId()).isEqualTo(build2.agentId()).isNotEqualTo(build1.agentId());
            assertThat(e.metadata()).containsEntry("rebuilt", true)
                    .containsEntry("previous_agent_id", build1.agentId());
        });
    }

    @Test
    void shouldReportALifecycleErrorOfTheNewBuildEvenIfThePreviousBuildHadTheSameError() {
        harness.pipe(Snapshots.agent(ALICE).lifecycle("start_error").pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).buildNumber(2).lifecycle("start_error").pollId(2));

        assertThat(harness.drainEvents()).extracting(EventNotification::eventType)
                .contains(EventType.AGENT_FAILURE);
    }

    @Test
    void shouldTrackASubAgentUnderItsOwnKeyWithItsParent() {
        Snapshots.Builder parent = Snapshots.agent(ALICE).connected().pollId(1);
        Snapshots.Builder child = Snapshots.agent("alice/fix-flaky-tests.devcontainer").parentAgent("main")
                .connected().pollId(1);
        harness.pipe(parent);
        harness.pipe(child);
        harness.drainEvents();

        harness.pipe(Snapshots.agent("alice/fix-flaky-tests.devcontainer").parentAgent("main").disconnected()
                .pollId(2));
        harness.markerAt(2, T0.plusSeconds(1900), parent.key(), child.key());

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.agent().key()).isEqualTo(child.key());
            assertThat(e.metadata()).containsEntry("parent_agent_id", parent.agentId());
        });
    }

    @Test
    void shouldReportAnAgentlessWorkspaceWhoseBuildFailed() {
        Snapshots.Builder broken = Snapshots.agentless("alice/broken-ws").pollId(1);

        harness.pipe(broken);

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.agentId()).isNull();
            assertThat(e.agent().key()).isEqualTo(broken.key()).endsWith("/");
            assertThat(e.agent().path()).isEqualTo("alice/broken-ws");
            assertThat(e.metadata()).containsEntry("error", "terraform apply failed: quota exceeded");
        });
        harness.pipe(Snapshots.agentless("alice/broken-ws").pollId(2));
        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldConcludeAnAgentVanishedOnlyFromACompleteCycleThatDoesNotListIt() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).connected().pollId(1);
        Snapshots.Builder bob = Snapshots.agent(BOB).connected().pollId(1);
        harness.pipe(alice);
        harness.pipe(bob);
        harness.marker(1, alice.key(), bob.key());
        harness.drainEvents();

        for (long poll = 2; poll < 10; poll++) {
            harness.pipe(Snapshots.agent(BOB).connected().pollId(poll));
        }
        assertThat(harness.drainEvents()).as("silence is not absence").isEmpty();

        harness.marker(10, bob.key());

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_DISCONNECTED);
            assertThat(e.metadata()).containsEntry("reason", "vanished");
            assertThat(e.agent().key()).isEqualTo(alice.key());
            assertThat(e.agentId()).isEqualTo(alice.agentId());
        });
        harness.marker(11, bob.key());
        assertThat(harness.drainEvents()).as("vanished once").isEmpty();
    }

    @Test
    void shouldNotVanishAnAgentFirstSeenAfterTheCycleAMarkerCloses() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(8));
        harness.drainEvents();

        harness.marker(7);

        assertThat(harness.drainEvents()).isEmpty();
        assertThat(harness.agentStates().approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreAMarkerOfAnotherDeploymentAndALateMarker() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.marker(5, Snapshots.keyOf(ALICE));
        harness.drainEvents();

        harness.pipe(Snapshots.marker("other-coder", 9, 0, 1, List.of()));
        harness.marker(4);

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldForgetAnAgentlessWorkspaceSilentlyWhenItIsNoLongerListed() {
        harness.pipe(Snapshots.agentless("alice/broken-ws").pollId(1));
        harness.drainEvents();

        harness.marker(2);

        assertThat(harness.drainEvents()).isEmpty();
        assertThat(harness.agentStates().approximateNumEntries()).isZero();
    }

    @Test
    void shouldDeadLetterPoisonRecordsWithErrorHeadersAndKeepProcessing() {
        String key = Snapshots.keyOf(ALICE);
        harness.pipeRaw(key, "{not json");
        harness.pipeRaw(key, "{\"kind\":\"agent_snapshot\",\"schema_version\":1}");
        harness.pipeRaw(key, "{\"kind\":\"cycle_complete\",\"schema_version\":1,\"deployment\":\"test\","
                + "\"poll_id\":3,\"observed_at\":\"2026-03-02T08:00:00Z\",\"partition\":4,\"partition_count\":6,"
                + "\"agent_keys\":[]}");
        harness.pipe(Snapshots.agent(BOB).connected().pollId(1).build());

        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        List<String> reasons = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : dead) {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key);
            assertThat(TopologyHarness.header(r.headers(), DlqHeaders.TOPIC)).isEqualTo("coder.agent-snapshots");
            assertThat(TopologyHarness.header(r.headers(), DlqHeaders.PARTITION)).isEqualTo("0");
            assertThat(TopologyHarness.header(r.headers(), DlqHeaders.OFFSET)).isNotBlank();
            assertThat(TopologyHarness.header(r.headers(), DlqHeaders.REJECTED_BY)).isEqualTo("processor");
            reasons.add(TopologyHarness.header(r.headers(), DlqHeaders.REASON));
        }
        assertThat(reasons.get(0)).contains("malformed JSON");
        assertThat(reasons.get(1)).contains("deployment");
        assertThat(reasons.get(2)).contains("partition 4 arrived on partition 0");
        assertThat(harness.drainEvents()).as("processing went on").hasSize(1);
    }

    @Test
    void shouldDeadLetterASnapshotWhoseRecordKeyIsNotItsAgentKey() {
        harness.snapshots.pipeInput(Snapshots.keyOf(ALICE), io.fleetevents.schemas.Topics.AGENT_SNAPSHOTS
                .valueSerde().serializer().serialize("t", Snapshots.agent(BOB).build()));

        assertThat(harness.deadLetters.readRecordsToList()).singleElement()
                .satisfies(r -> assertThat(TopologyHarness.header(r.headers(), DlqHeaders.REASON))
                        .contains("differs from agent_key"));
        assertThat(harness.drainEvents()).isEmpty();
    }
}
