package io.fleetevents.poller.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.poller.coder.CoderClient;
import io.fleetevents.poller.coder.CoderUnavailableException;
import io.fleetevents.poller.publish.Partitioning;
import io.fleetevents.poller.publish.SnapshotSink;
import io.fleetevents.poller.snapshot.ChangeDetector;
import io.fleetevents.poller.snapshot.TickingFields;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class PollCycleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ObjectNode workspace(String id, String... agents) {
        ObjectNode ws = JSON.createObjectNode().put("id", id).put("name", "ws-" + id);
        ObjectNode build = ws.putObject("latest_build").put("transition", "start").put("status", "running");
        ObjectNode resource = build.putArray("resources").addObject().put("name", "main");
        for (String agent : agents) {
            resource.withArray("agents").addObject().put("id", id + "-" + agent).put("name", agent)
                    .put("status", "connected").put("last_connected_at", Instant.now().toString());
        }
        return ws;
    }

    /** A Coder that lists the given workspaces, then optionally fails after them. */
    private static final class FakeCoder implements CoderClient {
        List<ObjectNode> workspaces = new ArrayList<>();
        boolean failAfterListing;
        RuntimeException tasksFailure;
        Map<String, ObjectNode> deleted = new java.util.HashMap<>();
        List<String> deletedReads = new ArrayList<>();
        Map<String, ObjectNode> agents = new java.util.HashMap<>();
        List<String> agentReads = new ArrayList<>();

        @Override
        public Optional<ObjectNode> workspaceAgent(String agentId, Instant deadline) {
            agentReads.add(agentId);
            return Optional.ofNullable(agents.get(agentId)).map(ObjectNode::deepCopy);
        }

        @Override
        public Optional<ObjectNode> workspaceIncludingDeleted(String workspaceId, Instant deadline) {
            deletedReads.add(workspaceId);
            return Optional.ofNullable(deleted.get(workspaceId));
        }

        @Override
        public ListingStats streamWorkspaces(Instant deadline, Consumer<ObjectNode> sink) {
            workspaces.forEach(ws -> sink.accept(ws.deepCopy()));
            if (failAfterListing) {
                throw new CoderUnavailableException("page 2 failed", 500, null);
            }
            return new ListingStats(workspaces.size(), workspaces.size(), 1);
        }

        @Override
        public Optional<Map<String, ObjectNode>> tasksByWorkspace(Instant deadline) {
            if (tasksFailure != null) {
                throw tasksFailure;
            }
            return Optional.empty();
        }
    }

    /** A topic in memory whose acknowledgements can be withheld or failed. */
    private static class FakeSink implements SnapshotSink {
        final List<SnapshotRecord> records = new ArrayList<>();
        final List<Integer> partitionsWritten = new ArrayList<>();
        boolean failSnapshots;
        /** Called on every send: a producer blocked on a dead broker is a send that takes this long. */
        Runnable onSend = () -> { };

        @Override
        public int partitions(Duration timeout) {
            return 3;
        }

        @Override
        public CompletableFuture<Void> send(int partition, String key, SnapshotRecord value) {
            onSend.run();
            if (failSnapshots && value instanceof AgentSnapshot) {
                return CompletableFuture.failedFuture(new IllegalStateException("not enough replicas"));
            }
            records.add(value);
            partitionsWritten.add(partition);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public long bytesSent() {
            return 0;
        }

        @Override
        public long wireBytesSent() {
            return -1;
        }

        @Override
        public void close() {
        }
    }

    private final FakeCoder coder = new FakeCoder();
    private final FakeSink sink = new FakeSink();
    private final PollCycle cycle = new PollCycle(coder, sink, new ChangeDetector(Duration.ofMinutes(5)),
            new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC());

    @Test
    void shouldWriteEveryAgentAndEveryMarkerWithTaskUnknownWhenTheTasksApiFails() {
        List<String> failedReads = new ArrayList<>();
        OptionalReads reads = new OptionalReads(failedReads::add);
        PollCycle degraded = new PollCycle(coder, sink, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC(), reads, 20, 200, 50);
        ObjectNode withSubAgent = workspace("w1", "main", "devcontainer");
        ((ObjectNode) withSubAgent.at("/latest_build/resources/0/agents/1")).put("parent_id", "w1-main");
        coder.workspaces = List.of(withSubAgent, workspace("w2"));
        coder.tasksFailure = new CoderUnavailableException("Coder answered 500 on tasks: database error", 500, null);

        CycleOutcome outcome = degraded.run(7);

        assertThat(outcome.complete()).isTrue();
        assertThat(markers()).hasSize(3);
        assertThat(markers().stream().flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrder("w1/main", "w1/devcontainer", "w2/");
        assertThat(snapshots()).extracting(AgentSnapshot::agentKey, AgentSnapshot::taskUnknown)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("w1/main", true),
                        org.assertj.core.groups.Tuple.tuple("w1/devcontainer", false),
                        org.assertj.core.groups.Tuple.tuple("w2/", true));
        assertThat(failedReads).containsExactly("tasks");
        assertThat(reads.degraded()).containsOnlyKeys("tasks");
        assertThat(reads.degraded().get("tasks").lastError()).contains("500");
    }

    @Test
    void shouldClearTheDegradedTasksReadWhenTheTasksApiAnswersAgain() {
        OptionalReads reads = new OptionalReads(null);
        PollCycle degraded = new PollCycle(coder, sink, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC(), reads, 20, 200, 50);
        coder.workspaces = List.of(workspace("w1", "main"));
        coder.tasksFailure = new io.fleetevents.poller.coder.CoderProtocolException("malformed tasks body", 200, null);
        degraded.run(1);

        coder.tasksFailure = null;
        CycleOutcome recovered = degraded.run(2);

        assertThat(recovered.complete()).isTrue();
        assertThat(reads.degraded()).isEmpty();
        assertThat(snapshots()).extracting(AgentSnapshot::taskUnknown).containsExactly(true, false);
    }

    @Test
    void shouldStillFailTheCycleWhenTheTasksApiRejectsTheToken() {
        coder.workspaces = List.of(workspace("w1", "main"));
        coder.tasksFailure = new io.fleetevents.poller.coder.CoderAuthException("Coder answered 401 on tasks", 401);

        CycleOutcome outcome = cycle.run(1);

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reason()).isEqualTo("auth");
        assertThat(sink.records).isEmpty();
    }

    private static ObjectNode build(ObjectNode ws, int number, String transition, String jobStatus) {
        ObjectNode b = (ObjectNode) ws.get("latest_build");
        b.put("id", ws.get("id").asString() + "-build-" + number).put("build_number", number).put("transition", transition)
                .put("initiator_name", "alice");
        b.putObject("job").put("status", jobStatus);
        return ws;
    }

    private Map<String, io.fleetevents.schemas.Departure> departures(long pollId) {
        Map<String, io.fleetevents.schemas.Departure> all = new java.util.TreeMap<>();
        markers().stream().filter(m -> m.pollId() == pollId).forEach(m -> {
            m.departures().keySet().forEach(k -> assertThat(Partitioning.partition(k, 3)).isEqualTo(m.partition()));
            all.putAll(m.departures());
        });
        return all;
    }

    @Test
    void shouldExplainAgentsHiddenByAStopBuildInThatCyclesMarkersOnce() {
        coder.workspaces = List.of(build(workspace("w1", "main", "devcontainer"), 1, "start", "succeeded"),
                build(workspace("w2", "main"), 1, "start", "succeeded"));
        cycle.run(1);

        coder.workspaces = List.of(build(workspace("w1"), 2, "stop", "pending"),
                build(workspace("w2", "main"), 1, "start", "succeeded"));
        cycle.run(2);
        cycle.run(3);

        assertThat(departures(1)).isEmpty();
        assertThat(departures(2)).containsOnlyKeys("w1/main", "w1/devcontainer");
        io.fleetevents.schemas.Departure main = departures(2).get("w1/main");
        assertThat(main.reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_STOPPED);
        assertThat(main).extracting(d -> d.buildId(), d -> d.buildNumber(), d -> d.transition(), d -> d.jobStatus(),
                d -> d.initiator(), d -> d.workspaceId()).containsExactly("w1-build-2", 2, "stop", "pending", "alice", "w1");
        assertThat(markers().stream().filter(m -> m.pollId() == 2).flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrder("w1/", "w2/main");
        assertThat(departures(3)).isEmpty();
    }

    @Test
    void shouldExplainDeleteAndRebuildButNotAnAgentDroppedFromTheSameBuild() {
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"),
                build(workspace("w2", "main"), 3, "start", "succeeded"),
                build(workspace("w3", "main", "devcontainer"), 1, "start", "succeeded"));
        cycle.run(1);

        coder.workspaces = List.of(build(workspace("w1"), 2, "delete", "running"),
                build(workspace("w2", "agent"), 4, "start", "pending"),
                build(workspace("w3", "main"), 1, "start", "succeeded"));
        cycle.run(2);

        assertThat(departures(2)).containsOnlyKeys("w1/main", "w2/main");
        assertThat(departures(2).get("w1/main").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_DELETED);
        assertThat(departures(2).get("w2/main").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_REBUILT);
        assertThat(departures(2).get("w2/main").buildNumber()).isEqualTo(4);
    }

    @Test
    void shouldExplainAWorkspaceGoneFromTheListByItsLastDeleteBuildOrByReadingItOnce() {
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"),
                build(workspace("w2", "main"), 1, "start", "succeeded"),
                build(workspace("w3", "main"), 1, "start", "succeeded"));
        cycle.run(1);
        coder.workspaces = List.of(build(workspace("w1"), 2, "delete", "running"),
                build(workspace("w2", "main"), 1, "start", "succeeded"),
                build(workspace("w3", "main"), 1, "start", "succeeded"));
        cycle.run(2);
        coder.deleted.put("w2", build(workspace("w2"), 2, "delete", "succeeded"));

        coder.workspaces = List.of();
        cycle.run(3);

        assertThat(departures(3)).containsOnlyKeys("w1/", "w2/main");
        assertThat(departures(3).get("w1/").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_DELETED);
        assertThat(departures(3).get("w2/main").buildId()).isEqualTo("w2-build-2");
        assertThat(coder.deletedReads).containsExactlyInAnyOrder("w2", "w3");
    }

    @Test
    void shouldReadAtMostTheConfiguredNumberOfVanishedWorkspacesPerCycle() {
        PollCycle bounded = new PollCycle(coder, sink, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC(),
                new OptionalReads(null), 1, 200, 50);
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"),
                build(workspace("w2", "main"), 1, "start", "succeeded"));
        bounded.run(1);

        coder.workspaces = List.of();
        bounded.run(2);

        assertThat(coder.deletedReads).hasSize(1);
    }

    @Test
    void shouldCompareWithTheLastCompleteCycleOnlyAfterAFailedOne() {
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"));
        cycle.run(1);
        coder.workspaces = List.of(build(workspace("w1"), 2, "stop", "pending"));
        coder.failAfterListing = true;
        cycle.run(2);

        coder.failAfterListing = false;
        cycle.run(3);

        assertThat(departures(3)).containsOnlyKeys("w1/main");
    }

    @Test
    void shouldReadHiddenAgentsByUuidWhileTheStopBuildRunsAndOnceAfterThenLetThemDepart() {
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"));
        cycle.run(1);
        coder.agents.put("w1-main", JSON.createObjectNode().put("id", "w1-main").put("name", "main")
                .put("status", "connected").put("lifecycle_state", "shutting_down"));

        coder.workspaces = List.of(build(workspace("w1"), 2, "stop", "running"));
        cycle.run(2);
        coder.agents.put("w1-main", JSON.createObjectNode().put("id", "w1-main").put("name", "main")
                .put("status", "disconnected").put("lifecycle_state", "shutdown_error"));
        coder.workspaces = List.of(build(workspace("w1"), 2, "stop", "succeeded"));
        cycle.run(3);
        cycle.run(4);

        assertThat(coder.agentReads).containsExactly("w1-main", "w1-main");
        List<AgentSnapshot> mains = snapshots().stream().filter(sn -> sn.agentKey().equals("w1/main")).toList();
        assertThat(mains).extracting(sn -> sn.pollId(), sn -> sn.agent().node().path("lifecycle_state").asString(""),
                        sn -> sn.workspace().node().at("/latest_build/transition").asString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "", "start"),
                        org.assertj.core.groups.Tuple.tuple(2L, "shutting_down", "stop"),
                        org.assertj.core.groups.Tuple.tuple(3L, "shutdown_error", "stop"));
        for (long poll : List.of(2L, 3L)) {
            assertThat(markers().stream().filter(m -> m.pollId() == poll).flatMap(m -> m.agentKeys().stream()))
                    .contains("w1/main");
            assertThat(departures(poll)).isEmpty();
        }
        assertThat(departures(4)).containsOnlyKeys("w1/main");
        assertThat(departures(4).get("w1/main").jobStatus()).isEqualTo("succeeded");
    }

    @Test
    void shouldLetAHiddenAgentDepartAtOnceWhenCoderNoLongerKnowsIt() {
        coder.workspaces = List.of(build(workspace("w1", "main"), 1, "start", "succeeded"));
        cycle.run(1);

        coder.workspaces = List.of(build(workspace("w1"), 2, "delete", "running"));
        cycle.run(2);

        assertThat(coder.agentReads).containsExactly("w1-main");
        assertThat(departures(2)).containsOnlyKeys("w1/main");
        assertThat(departures(2).get("w1/main").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_DELETED);
    }

    private List<AgentSnapshot> snapshots() {
        return sink.records.stream().filter(r -> r instanceof AgentSnapshot).map(r -> (AgentSnapshot) r).toList();
    }

    private List<CycleMarker> markers() {
        return sink.records.stream().filter(r -> r instanceof CycleMarker).map(r -> (CycleMarker) r).toList();
    }

    @Test
    void shouldWriteSnapshotsThenOneMarkerPerPartitionWithTheRosterOfThatPartition() {
        coder.workspaces = List.of(workspace("w1", "main", "devcontainer"), workspace("w2"));

        CycleOutcome outcome = cycle.run(7);

        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.snapshots()).isEqualTo(3);
        assertThat(sink.records.subList(0, 3)).allMatch(r -> r instanceof AgentSnapshot);
        assertThat(markers()).hasSize(3).allSatisfy(m -> {
            assertThat(m.pollId()).isEqualTo(7);
            assertThat(m.agentKeys()).allSatisfy(k -> assertThat(Partitioning.partition(k, 3)).isEqualTo(m.partition()));
            assertThat(m.agentKeys()).isSorted();
        });
        assertThat(markers().stream().flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrder("w1/main", "w1/devcontainer", "w2/");
    }

    @Test
    void shouldWriteNoMarkerWhenTheListingFailsAfterSomeWorkspaces() {
        coder.workspaces = List.of(workspace("w1", "main"));
        coder.failAfterListing = true;

        CycleOutcome outcome = cycle.run(8);

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reason()).isEqualTo("unavailable");
        assertThat(markers()).isEmpty();
    }

    @Test
    void shouldWriteNoMarkerAndRetryTheSnapshotsWhenKafkaDoesNotAcknowledgeThem() {
        coder.workspaces = List.of(workspace("w1", "main"));
        sink.failSnapshots = true;

        CycleOutcome failed = cycle.run(9);
        sink.failSnapshots = false;
        CycleOutcome next = cycle.run(10);

        assertThat(failed.complete()).isFalse();
        assertThat(failed.reason()).isEqualTo("publish");
        assertThat(next.complete()).isTrue();
        assertThat(next.snapshots()).isEqualTo(1);
        assertThat(markers()).extracting(CycleMarker::pollId).containsOnly(10L);
    }

    @Test
    void shouldSkipAgentsWhoseOnlyChangeIsATickingField() {
        coder.workspaces = List.of(workspace("w1", "main"));
        cycle.run(11);
        coder.workspaces = List.of(workspace("w1", "main"));

        CycleOutcome steady = cycle.run(12);

        assertThat(steady.snapshots()).isZero();
        assertThat(steady.skipped()).isEqualTo(1);
        assertThat(steady.markers()).isEqualTo(3);
    }

    @Test
    void shouldStopPublishingOnceSendsThatBlockHaveSpentTheCycleBudget() {
        // each send blocks 4 s of the 10 s budget, as KafkaProducer.send does (max.block.ms) when the broker is gone
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
        PollCycle blocking = new PollCycle(coder, sink, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), clock);
        coder.workspaces = List.of(workspace("w1", "main"), workspace("w2", "main"), workspace("w3", "main"),
                workspace("w4", "main"), workspace("w5", "main"));
        sink.onSend = () -> clock.advance(Duration.ofSeconds(4));

        CycleOutcome outcome = blocking.run(13);

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reason()).isEqualTo("publish");
        assertThat(outcome.error()).contains("deadline");
        // sends at 0, 4 and 8 s were within the budget; the one at 12 s was never attempted, nor any marker
        assertThat(sink.records).hasSize(3).allMatch(r -> r instanceof AgentSnapshot);
    }

    @Test
    void shouldFailTheCycleAtTheFirstRecordTheProducerRefusesWithoutTryingTheRest() {
        coder.workspaces = List.of(workspace("w1", "main"), workspace("w2", "main"), workspace("w3", "main"));
        List<String> attempted = new ArrayList<>();
        SnapshotSink refusing = new FakeSink() {
            @Override
            public CompletableFuture<Void> send(int partition, String key, SnapshotRecord value) {
                attempted.add(key);
                // what KafkaProducer.send does without metadata after max.block.ms: a future that has already failed
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                        "Topic coder.agent-snapshots not present in metadata after 10000 ms."));
            }
        };
        PollCycle refused = new PollCycle(coder, refusing, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC());

        CycleOutcome outcome = refused.run(14);

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reason()).isEqualTo("publish");
        assertThat(outcome.error()).contains("not present in metadata");
        assertThat(attempted).hasSize(1);
    }

    @Test
    void shouldGoOnWithTheFleetWhenKafkaRefusesOneSnapshotAsTooLargeAndRetryItNextCycle() {
        coder.workspaces = List.of(workspace("w1", "main"), workspace("w2", "main"), workspace("w3", "main"));
        List<String> refusedNow = new ArrayList<>(List.of("w2/main"));
        List<String> refusedLater = new ArrayList<>(List.of("w3/main"));
        FakeSink sizing = new FakeSink() {
            @Override
            public CompletableFuture<Void> send(int partition, String key, SnapshotRecord value) {
                if (refusedNow.contains(key)) {
                    // what KafkaProducer.send returns for a record above max.request.size: an already failed future
                    return CompletableFuture.failedFuture(new RecordTooLargeException("The message is 5242880 bytes"));
                }
                if (refusedLater.contains(key)) {
                    // and what the broker answers for one above the topic's max.message.bytes: a later failure
                    return CompletableFuture.supplyAsync(() -> {
                        throw new RecordTooLargeException("The request included a message larger than the max");
                    });
                }
                return super.send(partition, key, value);
            }
        };
        PollCycle cycle = new PollCycle(coder, sizing, new ChangeDetector(Duration.ofMinutes(5)),
                new TickingFields(TickingFields.DEFAULTS), "test", Duration.ofSeconds(10), Clock.systemUTC());

        CycleOutcome first = cycle.run(15);
        List<CycleMarker> firstMarkers = sizing.records.stream().filter(r -> r instanceof CycleMarker)
                .map(r -> (CycleMarker) r).toList();
        refusedNow.clear();
        refusedLater.clear();
        CycleOutcome second = cycle.run(16);

        assertThat(first.complete()).isTrue();
        assertThat(first.snapshots()).isEqualTo(1);
        assertThat(first.rejected()).isEqualTo(2);
        assertThat(firstMarkers.stream().flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrder("w1/main", "w2/main", "w3/main");
        assertThat(second.complete()).isTrue();
        assertThat(second.rejected()).isZero();
        assertThat(second.snapshots()).as("the refused two are written once they fit; w1 is unchanged").isEqualTo(2);
    }
}
