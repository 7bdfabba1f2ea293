package io.fleetevents.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import io.fleetevents.poller.cycle.CycleOutcome;
import io.fleetevents.poller.cycle.PollLoop;
import io.fleetevents.poller.watch.PushSources;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.SnapshotRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Push from coder-sim over real HTTP into a real Kafka broker: a watched change is written before any further poll,
 * a watch cut mid-stream loses nothing and repeats nothing (the poll covers the gap), a build event triggers a read,
 * and the webhook intake refuses a request without the secret and reads once per message id.
 */
class PushIT {

    private static final String SECRET = "0123456789abcdef-secret";

    @RegisterExtension
    final PollerFixture fixture = new PollerFixture("push");
    private final HttpClient http = HttpClient.newHttpClient();
    private CoderSim sim;

    private void startSim() {
        sim = fixture.startSim();
        sim.createWorkspace("alice", "fix-flaky-tests", "claude-code", false, true);
        sim.createWorkspace("bob", "devbox", "devbox", false, false);
    }

    private ConfigurableApplicationContext startPoller(String... extra) {
        return fixture.startPoller(Map.of(
                "fleet.poller.topic.partitions", "3",
                "fleet.poller.autostart", "false",
                "fleet.poller.watch.open-spread", "0s",
                "fleet.poller.watch.max-requests-per-minute", "6000",
                "fleet.poller.watch.reconnect-initial-backoff", "50ms",
                "fleet.poller.watch.reconnect-max-backoff", "200ms",
                "fleet.poller.watch.failures-before-fallback", "2"), extra);
    }

    private static List<AgentSnapshot> snapshots(TopicReader reader, String key) {
        List<AgentSnapshot> out = new ArrayList<>();
        for (ConsumerRecord<String, SnapshotRecord> record : reader.poll()) {
            if (record.value() instanceof AgentSnapshot s && s.agentKey().equals(key)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String lastStatusMessage(AgentSnapshot snapshot) {
        return snapshot.workspace().node().path("latest_app_status").path("message").asString("");
    }

    private static double counter(ConfigurableApplicationContext context, String name, String... tags) {
        var search = context.getBean(MeterRegistry.class).find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    private HttpResponse<String> post(ConfigurableApplicationContext poller, String pathAndQuery, String messageId,
                                      String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(PollerFixture.uri(poller, pathAndQuery))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (messageId != null) {
            request.header("X-Message-Id", messageId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldWriteAWatchedChangeWithoutAnotherPollAndLeaveItUnchangedForTheNextPoll() {
        startSim();
        ConfigurableApplicationContext poller = startPoller("fleet.poller.watch.build-stream=false");
        PollLoop loop = poller.getBean(PollLoop.class);
        PushSources push = poller.getBean(PushSources.class);
        TopicReader reader = fixture.reader();
        String aliceMain = sim.workspaceId("alice/fix-flaky-tests") + "/main";
        CycleOutcome first = loop.pollOnce();
        await().atMost(Duration.ofSeconds(20)).until(() -> push.held() == 2);

        sim.reportAppStatus("alice/fix-flaky-tests.main", "working", "watched change");

        await().atMost(Duration.ofSeconds(20)).until(() -> snapshots(reader, aliceMain).stream()
                .anyMatch(s -> lastStatusMessage(s).equals("watched change")));
        AgentSnapshot pushed = snapshots(reader, aliceMain).stream()
                .filter(s -> lastStatusMessage(s).equals("watched change")).findFirst().orElseThrow();
        assertThat(pushed.pollId()).as("a pushed view's id: at or after the last cycle's").isGreaterThanOrEqualTo(
                first.pollId());
        CycleOutcome next = loop.pollOnce();
        assertThat(next.complete()).isTrue();
        assertThat(next.snapshots()).as("the poll sees what the watch wrote: nothing to write").isZero();
        assertThat(counter(poller, "poller.push.snapshots", "source", "watch")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldCoverAWatchGapByPollingThenRepeatNothingWhenTheWatchComesBack() {
        startSim();
        ConfigurableApplicationContext poller = startPoller("fleet.poller.watch.build-stream=false");
        PollLoop loop = poller.getBean(PollLoop.class);
        PushSources push = poller.getBean(PushSources.class);
        TopicReader reader = fixture.reader();
        UUID bob = sim.workspaceId("bob/devbox");
        String bobMain = bob + "/main";
        loop.pollOnce();
        await().atMost(Duration.ofSeconds(20)).until(() -> push.held() == 2);
        int before = snapshots(reader, bobMain).size();

        // the watch of bob is cut and cannot come back; bob's agent disconnects during the gap
        sim.inject(new Fault(FaultKind.SERVER_ERROR, 1_000, "/api/v2/workspaces/" + bob + "/watch", 0,
                Duration.ofSeconds(60)));
        sim.dropWatches();
        await().atMost(Duration.ofSeconds(20)).until(() -> push.fallenBack() == 1 && push.held() == 1);
        sim.disconnectAgent("bob/devbox.main");
        CycleOutcome gap = loop.pollOnce();
        List<AgentSnapshot> afterGap = snapshots(reader, bobMain);
        sim.clearFaults();
        await().atMost(Duration.ofSeconds(20)).until(() -> push.held() == 2);
        CycleOutcome after = loop.pollOnce();

        assertThat(afterGap).hasSize(before + 1);
        AgentSnapshot seenByPoll = afterGap.get(afterGap.size() - 1);
        assertThat(seenByPoll.pollId()).as("written by the gap's cycle").isEqualTo(gap.pollId());
        assertThat(seenByPoll.agent().node().path("status").asString()).isEqualTo("disconnected");
        assertThat(after.snapshots()).isZero();
        assertThat(snapshots(reader, bobMain)).as("the reconnected watch's view repeats nothing").hasSize(before + 1);
        assertThat(counter(poller, "poller.push.fallbacks", "source", "watch")).isEqualTo(1);
    }

    @Test
    void shouldReadAWorkspaceWhenTheBuildStreamReportsABuildAndRememberTheExperimentBeingOff() {
        startSim();
        ConfigurableApplicationContext poller = startPoller("fleet.poller.watch.enabled=false",
                "fleet.poller.watch.build-stream-probe-interval=1h");
        PollLoop loop = poller.getBean(PollLoop.class);
        PushSources push = poller.getBean(PushSources.class);
        TopicReader reader = fixture.reader();
        String bobAgentless = sim.workspaceId("bob/devbox") + "/";
        loop.pollOnce();
        await().atMost(Duration.ofSeconds(20)).until(push::buildStreamOpen);

        sim.failBuild("bob/devbox", "terraform apply: quota exceeded");

        await().atMost(Duration.ofSeconds(20)).until(() -> !snapshots(reader, bobAgentless).isEmpty());
        AgentSnapshot failed = snapshots(reader, bobAgentless).get(0);
        assertThat(failed.workspace().node().path("latest_build").path("job").path("error").asString())
                .contains("quota exceeded");
        assertThat(counter(poller, "poller.push.reads", "source", "build-stream", "outcome", "ok")).isEqualTo(1);
        sim.buildUpdatesExperiment(false);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                counter(poller, "poller.push.closed", "source", "build-stream", "status", "403") == 1);
        assertThat(push.buildStreamOpen()).isFalse();
    }

    @Test
    void shouldRefuseAWebhookWithoutTheSecretAndReadOncePerMessageId() throws Exception {
        startSim();
        ConfigurableApplicationContext poller = startPoller("fleet.poller.watch.enabled=false",
                "fleet.poller.watch.build-stream=false", "fleet.poller.webhook.secret=" + SECRET);
        PollLoop loop = poller.getBean(PollLoop.class);
        PushSources push = poller.getBean(PushSources.class);
        TopicReader reader = fixture.reader();
        String bobAgentless = sim.workspaceId("bob/devbox") + "/";
        loop.pollOnce();

        HttpResponse<String> noSecret = post(poller, "/api/coder/webhook", UUID.randomUUID().toString(),
                "{\"msg_id\":\"x\",\"payload\":{\"targets\":[\"" + sim.workspaceId("bob/devbox") + "\"]}}");
        HttpResponse<String> wrongSecret = post(poller, "/api/coder/webhook?secret=wrong-secret-0123456789",
                UUID.randomUUID().toString(), "{}");
        HttpResponse<String> badBody = post(poller, "/api/coder/webhook?secret=" + SECRET,
                UUID.randomUUID().toString(), "{not json");
        sim.failBuild("bob/devbox", "boom");
        sim.webhookEndpoint(PollerFixture.uri(poller, "/api/coder/webhook?secret=" + SECRET));
        UUID message = sim.sendNotification("bob/devbox", "build-failed");
        await().atMost(Duration.ofSeconds(20)).until(() -> !snapshots(reader, bobAgentless).isEmpty());
        int redelivered = sim.redeliverNotification(message);

        assertThat(noSecret.statusCode()).isEqualTo(401);
        assertThat(noSecret.body()).contains("X-Fleet-Webhook-Secret").doesNotContain(SECRET);
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(badBody.body()).contains("not JSON");
        assertThat(sim.webhookStatuses()).containsExactly(202, 200);
        assertThat(redelivered).isEqualTo(200);
        assertThat(push.reads().reads()).as("one read for the message, none for refused requests").isEqualTo(1);
        assertThat(snapshots(reader, bobAgentless)).hasSize(1);
    }

    @Test
    void shouldAnswerThatTheWebhookIntakeIsOffWithoutASecret() throws Exception {
        startSim();
        ConfigurableApplicationContext poller = startPoller("fleet.poller.watch.enabled=false",
                "fleet.poller.watch.build-stream=false");

        HttpResponse<String> response = post(poller, "/api/coder/webhook", "m1", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("fleet.poller.webhook.secret");
    }
}
