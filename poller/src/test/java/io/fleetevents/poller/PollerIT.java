package io.fleetevents.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import io.fleetevents.poller.cycle.CycleOutcome;
import io.fleetevents.poller.cycle.PollLoop;
import io.fleetevents.poller.publish.Partitioning;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.SnapshotRecord;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The poller against coder-sim over real HTTP, into a real Kafka broker: records, keys, partitions, headers and
 * markers as DESIGN.md says, and each fault of the error policy.
 */
class PollerIT {

    private static final int PARTITIONS = 3;

    @RegisterExtension
    final PollerFixture fixture = new PollerFixture("snapshots");
    private CoderSim sim;

    private CoderSim startSim() {
        sim = fixture.startSim();
        sim.createWorkspace("alice", "fix-flaky-tests", "claude-code", true, true);
        sim.createWorkspace("bob", "devbox", "devbox", false, false);
        sim.createWorkspace("carol", "broken", "claude-code", false, false);
        sim.failBuild("carol/broken", "terraform apply: quota exceeded");
        return sim;
    }

    private ConfigurableApplicationContext startPoller(boolean autostart, String token, String... extra) {
        return fixture.startPoller(Map.of(
                "fleet.poller.coder.token", token,
                "fleet.poller.interval", "300ms",
                "fleet.poller.retry.initial-backoff", "20ms",
                "fleet.poller.retry.max-backoff", "100ms",
                "fleet.poller.topic.partitions", Integer.toString(PARTITIONS),
                "fleet.poller.autostart", Boolean.toString(autostart)), extra);
    }

    private static PollLoop loop(ConfigurableApplicationContext context) {
        return context.getBean(PollLoop.class);
    }

    private static Set<String> snapshotKeys(List<ConsumerRecord<String, SnapshotRecord>> records, long pollId) {
        return records.stream().filter(r -> r.value() instanceof AgentSnapshot s && s.pollId() == pollId)
                .map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    private static List<CycleMarker> markers(List<ConsumerRecord<String, SnapshotRecord>> records, long pollId) {
        return records.stream().map(ConsumerRecord::value)
                .filter(v -> v instanceof CycleMarker m && m.pollId() == pollId).map(v -> (CycleMarker) v).toList();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(PollerFixture.uri(context, path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldPublishOneSnapshotPerAgentThenAMarkerPerPartitionWithItsRoster() throws Exception {
        startSim();
        String alice = sim.workspaceId("alice/fix-flaky-tests") + "/";
        String bob = sim.workspaceId("bob/devbox") + "/";
        String carol = sim.workspaceId("carol/broken") + "/";
        Set<String> expectedKeys = Set.of(alice + "main", alice + "devcontainer", bob + "main", carol);
        ConfigurableApplicationContext poller = startPoller(true, sim.token());
        TopicReader reader = fixture.reader();

        await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> reader.poll().stream()
                .filter(r -> r.value() instanceof CycleMarker).count() >= 2L * PARTITIONS);
        List<ConsumerRecord<String, SnapshotRecord>> records = reader.records();
        long firstPoll = records.stream().filter(r -> r.value() instanceof CycleMarker)
                .mapToLong(r -> r.value().pollId()).min().orElseThrow();

        assertThat(snapshotKeys(records, firstPoll)).isEqualTo(expectedKeys);
        assertThat(markers(records, firstPoll)).hasSize(PARTITIONS)
                .allSatisfy(m -> assertThat(m.partitionCount()).isEqualTo(PARTITIONS));
        for (ConsumerRecord<String, SnapshotRecord> record : records) {
            if (record.value() instanceof AgentSnapshot snapshot) {
                assertThat(record.partition()).isEqualTo(Partitioning.partition(record.key(), PARTITIONS));
                assertThat(snapshot.agentKey()).isEqualTo(record.key());
                assertThat(snapshot.deployment()).isEqualTo("sim");
                assertThat(header(record, "kind")).isEqualTo(AgentSnapshot.KIND);
            } else {
                CycleMarker marker = (CycleMarker) record.value();
                assertThat(record.key()).isEqualTo(CycleMarker.RECORD_KEY);
                assertThat(record.partition()).isEqualTo(marker.partition());
                assertThat(header(record, "kind")).isEqualTo(CycleMarker.KIND);
                assertThat(marker.agentKeys()).allSatisfy(k ->
                        assertThat(Partitioning.partition(k, PARTITIONS)).isEqualTo(marker.partition()));
            }
        }
        assertThat(markers(records, firstPoll).stream().flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrderElementsOf(expectedKeys);
        AgentSnapshot main = records.stream().map(ConsumerRecord::value)
                .filter(v -> v instanceof AgentSnapshot s && s.agentKey().equals(alice + "main"))
                .map(v -> (AgentSnapshot) v).findFirst().orElseThrow();
        AgentSnapshot sub = records.stream().map(ConsumerRecord::value)
                .filter(v -> v instanceof AgentSnapshot s && s.agentKey().equals(alice + "devcontainer"))
                .map(v -> (AgentSnapshot) v).findFirst().orElseThrow();
        AgentSnapshot broken = records.stream().map(ConsumerRecord::value)
                .filter(v -> v instanceof AgentSnapshot s && s.agentKey().equals(carol))
                .map(v -> (AgentSnapshot) v).findFirst().orElseThrow();
        assertThat(main.task()).isNotNull();
        assertThat(sub.task()).isNull();
        assertThat(sub.agent().node().path("parent_id").asString()).isEqualTo(main.agent().node().path("id").asString());
        assertThat(main.workspace().node().path("latest_build").path("resources").get(0).path("agents")).isEmpty();
        assertThat(broken.agent()).isNull();
        assertThat(broken.workspace().node().path("latest_build").path("job").path("error").asString())
                .contains("quota exceeded");

        HttpResponse<String> health = get(poller, "/actuator/health");
        HttpResponse<String> prometheus = get(poller, "/actuator/prometheus");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"poller\"").contains("last_poll_id");
        assertThat(prometheus.body()).contains("poller_cycles_total").contains("poller_cycle_duration_seconds")
                .contains("poller_records_total");
    }

    @Test
    void shouldWriteOnlyChangedAgentsInSteadyCyclesButAMarkerEveryCycle() {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();
        String bobMain = sim.workspaceId("bob/devbox") + "/main";

        CycleOutcome first = loop(poller).pollOnce();
        CycleOutcome quiet = loop(poller).pollOnce();
        sim.disconnectAgent("bob/devbox.main");
        CycleOutcome changed = loop(poller).pollOnce();

        assertThat(first.complete()).isTrue();
        assertThat(first.snapshots()).isEqualTo(4);
        assertThat(quiet.snapshots()).isZero();
        assertThat(quiet.skipped()).isEqualTo(4);
        assertThat(changed.snapshots()).isEqualTo(1);
        assertThat(quiet.pollId()).isGreaterThan(first.pollId());
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                changed.pollId()).size() == PARTITIONS; });
        assertThat(markers(reader.records(), quiet.pollId())).hasSize(PARTITIONS);
        assertThat(snapshotKeys(reader.records(), changed.pollId())).containsExactly(bobMain);
    }

    @Test
    void shouldRetryServerErrorsAndDroppedConnectionsWithinTheCycleAndFailWithoutMarkerWhenTheyPersist() {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();

        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 1).on("/api/v2/workspaces"));
        sim.inject(Fault.of(FaultKind.DISCONNECT, 1).on("/api/v2/workspaces"));
        CycleOutcome retried = loop(poller).pollOnce();
        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 50).on("/api/v2/workspaces"));
        CycleOutcome failed = loop(poller).pollOnce();
        sim.clearFaults();
        CycleOutcome recovered = loop(poller).pollOnce();

        assertThat(retried.complete()).isTrue();
        assertThat(failed.complete()).isFalse();
        assertThat(failed.reason()).isEqualTo("unavailable");
        assertThat(failed.error()).contains("500");
        assertThat(recovered.complete()).isTrue();
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                recovered.pollId()).size() == PARTITIONS; });
        assertThat(markers(reader.records(), failed.pollId())).isEmpty();
        assertThat(markers(reader.records(), retried.pollId())).hasSize(PARTITIONS);
        assertThat(poller.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("poller.coder.retries")
                .counters()).isNotEmpty();
    }

    @Test
    void shouldStopTheCycleOn429AndHonourRetryAfter() {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());

        sim.inject(Fault.rateLimited(1, Duration.ofSeconds(7)).on("/api/v2/workspaces"));
        CycleOutcome limited = loop(poller).pollOnce();
        CycleOutcome next = loop(poller).pollOnce();

        assertThat(limited.complete()).isFalse();
        assertThat(limited.reason()).isEqualTo("rate_limited");
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(sim.pendingFaults()).isZero();
        assertThat(next.complete()).isTrue();
        assertThat(poller.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("poller.coder.rate.limited").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldReportARejectedTokenLoudlyAndTurnHealthDown() throws Exception {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, "wrong-token");
        long requestsBefore = sim.apiRequests();

        CycleOutcome outcome = loop(poller).pollOnce();
        HttpResponse<String> health = get(poller, "/actuator/health");

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.reason()).isEqualTo("auth");
        assertThat(outcome.error()).contains("401").contains("CODER_SESSION_TOKEN").doesNotContain("wrong-token");
        assertThat(sim.apiRequests() - requestsBefore).isEqualTo(1);
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("DOWN").contains("auth");
    }

    @Test
    void shouldFailTheCycleCleanlyOnAGarbageBodyAndRecoverNextCycle() {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();

        sim.inject(Fault.of(FaultKind.GARBAGE, 1).on("/api/v2/workspaces"));
        CycleOutcome garbage = loop(poller).pollOnce();
        sim.inject(Fault.of(FaultKind.TRUNCATED, 1).on("/api/v2/workspaces"));
        CycleOutcome truncated = loop(poller).pollOnce();
        CycleOutcome recovered = loop(poller).pollOnce();

        assertThat(garbage.reason()).isEqualTo("protocol");
        assertThat(truncated.complete()).isFalse();
        assertThat(recovered.complete()).isTrue();
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                recovered.pollId()).size() == PARTITIONS; });
        assertThat(markers(reader.records(), garbage.pollId())).isEmpty();
        assertThat(markers(reader.records(), truncated.pollId())).isEmpty();
    }

    @Test
    void shouldWriteEveryAgentAndMarkerWithTaskUnknownWhileTheTasksApiAnswers500AndStayUp() throws Exception {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();
        String alice = sim.workspaceId("alice/fix-flaky-tests") + "/";
        String bob = sim.workspaceId("bob/devbox") + "/";
        String carol = sim.workspaceId("carol/broken") + "/";

        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 1000).on("/api/v2/tasks"));
        CycleOutcome outcome = loop(poller).pollOnce();
        HttpResponse<String> health = get(poller, "/actuator/health");

        assertThat(outcome.complete()).isTrue();
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                outcome.pollId()).size() == PARTITIONS; });
        assertThat(markers(reader.records(), outcome.pollId()).stream().flatMap(m -> m.agentKeys().stream()))
                .containsExactlyInAnyOrder(alice + "main", alice + "devcontainer", bob + "main", carol);
        Map<String, Boolean> unknown = reader.records().stream()
                .filter(r -> r.value() instanceof AgentSnapshot s && s.pollId() == outcome.pollId())
                .collect(Collectors.toMap(ConsumerRecord::key, r -> ((AgentSnapshot) r.value()).taskUnknown()));
        assertThat(unknown).containsOnly(Map.entry(alice + "main", true), Map.entry(alice + "devcontainer", false),
                Map.entry(bob + "main", true), Map.entry(carol, true));
        assertThat(poller.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .get("poller.optional.read.failures").tag("read", "tasks").counter().count()).isEqualTo(1.0);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("UP").contains("degraded").contains("tasks API unavailable since")
                .contains("500").doesNotContain(sim.token());
    }

    @Test
    void shouldExplainAgentsHiddenByAStopBuildAndAStartBuildInTheMarkersOfTheirPartitions() {
        startSim();
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();
        String alice = sim.workspaceId("alice/fix-flaky-tests") + "/";
        String bob = sim.workspaceId("bob/devbox") + "/";

        CycleOutcome running = loop(poller).pollOnce();
        sim.stopWorkspace("alice/fix-flaky-tests");
        CycleOutcome stopped = loop(poller).pollOnce();
        sim.startWorkspace("alice/fix-flaky-tests");
        CycleOutcome started = loop(poller).pollOnce();
        sim.deleteWorkspace("bob/devbox");
        CycleOutcome deleted = loop(poller).pollOnce();

        assertThat(List.of(running, stopped, started, deleted)).allMatch(CycleOutcome::complete);
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                deleted.pollId()).size() == PARTITIONS; });
        Map<String, io.fleetevents.schemas.Departure> onStop = departures(reader.records(), stopped.pollId());
        assertThat(onStop).containsOnlyKeys(alice + "main", alice + "devcontainer");
        assertThat(onStop.get(alice + "main").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_STOPPED);
        assertThat(onStop.get(alice + "main").transition()).isEqualTo("stop");
        assertThat(markers(reader.records(), stopped.pollId()).stream().flatMap(m -> m.agentKeys().stream()))
                .contains(alice).doesNotContain(alice + "main");
        Map<String, io.fleetevents.schemas.Departure> onStart = departures(reader.records(), started.pollId());
        assertThat(onStart).containsOnlyKeys(alice);
        assertThat(onStart.get(alice).reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_REBUILT);
        assertThat(onStart.get(alice).buildNumber()).isGreaterThan(onStop.get(alice + "main").buildNumber());
        // gone from the list, explained by one include_deleted read of its delete build
        Map<String, io.fleetevents.schemas.Departure> onDelete = departures(reader.records(), deleted.pollId());
        assertThat(onDelete).containsKey(bob + "main");
        assertThat(onDelete.get(bob + "main").reason()).isEqualTo(io.fleetevents.schemas.Departure.Reason.WORKSPACE_DELETED);
        assertThat(onDelete.get(bob + "main").transition()).isEqualTo("delete");
    }

    private static Map<String, io.fleetevents.schemas.Departure> departures(
            List<ConsumerRecord<String, SnapshotRecord>> records, long pollId) {
        Map<String, io.fleetevents.schemas.Departure> all = new HashMap<>();
        for (ConsumerRecord<String, SnapshotRecord> r : records) {
            if (r.value() instanceof CycleMarker m && m.pollId() == pollId) {
                m.departures().keySet().forEach(k -> assertThat(Partitioning.partition(k, PARTITIONS)).isEqualTo(r.partition()));
                all.putAll(m.departures());
            }
        }
        return all;
    }

    @Test
    void shouldTreatATasks404AsNoTasksApi() {
        startSim();
        sim.tasksApi(false);
        ConfigurableApplicationContext poller = startPoller(false, sim.token());
        TopicReader reader = fixture.reader();

        CycleOutcome outcome = loop(poller).pollOnce();

        assertThat(outcome.complete()).isTrue();
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                outcome.pollId()).size() == PARTITIONS; });
        assertThat(reader.records()).map(ConsumerRecord::value).filteredOn(v -> v instanceof AgentSnapshot)
                .hasSize(4).allSatisfy(v -> assertThat(((AgentSnapshot) v).task()).isNull());
    }

    @Test
    void shouldWriteNoMarkerWhenAPageFailsMidCycle() {
        startSim();
        sim.createWorkspace("dave", "one", "devbox", false, false);
        sim.createWorkspace("erin", "two", "devbox", false, false);
        ConfigurableApplicationContext poller = startPoller(false, sim.token(), "fleet.poller.coder.page-size=2");
        TopicReader reader = fixture.reader();

        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 100).on("/api/v2/workspaces").fromOffset(2));
        CycleOutcome failed = loop(poller).pollOnce();
        sim.clearFaults();
        CycleOutcome paged = loop(poller).pollOnce();

        assertThat(failed.complete()).isFalse();
        assertThat(failed.workspaces()).isEqualTo(2);
        assertThat(paged.complete()).isTrue();
        assertThat(paged.workspaces()).isEqualTo(5);
        await().pollInSameThread().atMost(Duration.ofSeconds(15)).until(() -> { reader.poll(); return markers(reader.records(),
                paged.pollId()).size() == PARTITIONS; });
        assertThat(markers(reader.records(), failed.pollId())).isEmpty();
        assertThat(markers(reader.records(), paged.pollId()).stream().mapToInt(m -> m.agentKeys().size()).sum())
                .isEqualTo(6);
    }

    @Test
    void shouldWriteEverythingOnceAgainAfterARestartWithHigherPollIds() {
        startSim();
        ConfigurableApplicationContext first = startPoller(false, sim.token());
        CycleOutcome before = loop(first).pollOnce();
        first.close();

        ConfigurableApplicationContext restarted = startPoller(false, sim.token());
        CycleOutcome after = loop(restarted).pollOnce();

        assertThat(before.snapshots()).isEqualTo(4);
        assertThat(after.snapshots()).isEqualTo(4);
        assertThat(after.pollId()).isGreaterThan(before.pollId());
    }

    @Test
    void shouldFailAtStartupNamingTheMissingCoderUrl() {
        startSim();

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                startPoller(false, sim.token(), "fleet.poller.coder.url="));

        assertThat(failure).isNotNull();
        assertThat(rootMessage(failure)).contains("fleet.poller.coder.url");
    }

    @Test
    void shouldRefuseToStartNamingTheReplicationKeyAndTheBrokerCountWhenTheTopicNeedsMoreReplicasThanBrokers() {
        startSim();

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                startPoller(false, sim.token(), "fleet.poller.topic.replication-factor=3"));

        assertThat(failure).isNotNull();
        assertThat(rootMessage(failure)).contains("fleet.poller.topic.replication-factor=3 is more than the 1 broker(s)");
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
