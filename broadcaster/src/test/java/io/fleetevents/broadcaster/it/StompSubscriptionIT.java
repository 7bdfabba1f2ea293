package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STOMP end to end on a one-partition topic (total order, so a final "sentinel" event proves nothing else is coming):
 * filter forms, wildcards, severity, errors, auth, tenant isolation live and replayed.
 */
class StompSubscriptionIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static String topic;
    private static RunningBroadcaster broadcaster;
    private static EventProducer producer;
    private static final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("stomp-events", 1);
        broadcaster = RunningBroadcaster.start(topic, Map.of());
        producer = new EventProducer(topic);
    }

    @AfterAll
    static void stop() {
        producer.close();
        broadcaster.close();
    }

    private static EventNotification event(EventType type, String path) {
        return Events.of(type, path).sequence(sequence.incrementAndGet()).build();
    }

    private static EventNotification event(EventType type, String path, String organization) {
        return Events.of(type, path).organization(organization).sequence(sequence.incrementAndGet()).build();
    }

    private static StompProbe subscribed(String token, String... headers) {
        StompProbe probe = StompProbe.connect(broadcaster.stompUrl(), token);
        assertThat(probe.connected()).as("connected, failures: %s", probe.failures).isTrue();
        List<String> all = new ArrayList<>(List.of(headers));
        probe.subscribe("s1", all.toArray(String[]::new));
        return probe;
    }

    /** Produces the events, then a sentinel every subscriber sees, and waits until each probe has the sentinel. */
    private static void produceThenSentinel(List<EventNotification> events, EventNotification sentinel, StompProbe... probes) {
        events.forEach(producer::send);
        producer.send(sentinel);
        producer.flush();
        for (StompProbe probe : probes) {
            await().atMost(WAIT).until(() -> probe.eventIds().contains(sentinel.eventId()));
        }
    }

    private static void awaitLive(StompProbe probe) {
        awaitLiveFor(probe, event(EventType.AGENT_FAILURE, "alice/ping.main"));
    }

    @Test
    void shouldDeliverOnlyEventsMatchingSeparateFilterHeadersAndStampEveryFrame() {
        StompProbe probe = subscribed(RunningBroadcaster.ADMIN,
                "event-types", "AGENT_FAILURE,TASK_COMPLETION", "agent-ids", "alice/*", "severity-min", "INFO");
        awaitLive(probe);
        EventNotification wanted1 = event(EventType.AGENT_FAILURE, "alice/ws1.main");
        EventNotification wanted2 = event(EventType.TASK_COMPLETION, "alice/ws2.main");
        EventNotification otherType = event(EventType.AGENT_CONNECTED, "alice/ws1.main");
        EventNotification otherAgent = event(EventType.AGENT_FAILURE, "bob/ws1.main");
        EventNotification sentinel = event(EventType.AGENT_FAILURE, "alice/sentinel.main");

        produceThenSentinel(List.of(wanted1, otherType, otherAgent, wanted2), sentinel, probe);

        assertThat(probe.eventIds()).containsExactly(wanted1.eventId(), wanted2.eventId(), sentinel.eventId());
        StompProbe.Frame first = probe.messages.get(0);
        assertThat(first.header("event-type")).isEqualTo("AGENT_FAILURE");
        assertThat(first.header("severity")).isEqualTo("CRITICAL");
        assertThat(first.header("resume-token")).isNotBlank();
        assertThat(first.body()).contains("\"event_id\":\"" + wanted1.eventId() + "\"");
        probe.close();
    }

    @Test
    void shouldAcceptTheSeedJsonFilterDocument() {
        StompProbe probe = subscribed(RunningBroadcaster.ADMIN,
                "filter", "{\"event_types\":[\"AGENT_FAILURE\"],\"agent_ids\":[\"bob/*\"],\"severity_min\":\"CRITICAL\"}");
        awaitLiveFor(probe, event(EventType.AGENT_FAILURE, "bob/ping.main"));
        EventNotification wanted = event(EventType.AGENT_FAILURE, "bob/build.main");
        EventNotification tooMild = Events.of(EventType.AGENT_FAILURE, "bob/build.main").severity(EventSeverity.WARNING)
                .sequence(sequence.incrementAndGet()).build();
        EventNotification sentinel = event(EventType.AGENT_FAILURE, "bob/sentinel.main");

        produceThenSentinel(List.of(tooMild, wanted), sentinel, probe);

        assertThat(probe.eventIds()).containsExactly(wanted.eventId(), sentinel.eventId());
        probe.close();
    }

    /**
     * Repeats {@code ping} (an event the subscription accepts) until it arrives, which proves the subscription live,
     * then sends one more copy and waits for it: on one partition nothing sent before can arrive after it.
     */
    private static void awaitLiveFor(StompProbe probe, EventNotification ping) {
        await().atMost(WAIT).until(() -> {
            producer.send(ping);
            producer.flush();
            return probe.eventIds().contains(ping.eventId());
        });
        EventNotification barrier = Events.of(ping.eventType(), ping.agent().path()).organization(ping.agent().organization())
                .sequence(sequence.incrementAndGet()).build();
        producer.send(barrier);
        producer.flush();
        await().atMost(WAIT).until(() -> probe.eventIds().contains(barrier.eventId()));
        probe.messages.clear();
    }

    @Test
    void shouldMatchWildcardsAndExactIdsOnAgentPathKeyAndUuid() {
        EventNotification byUuid = event(EventType.AGENT_FAILURE, "carol/uuid.main");
        EventNotification byKey = event(EventType.AGENT_FAILURE, "carol/key.main");
        EventNotification byPathWildcard = event(EventType.AGENT_FAILURE, "dave/fix-tests.worker");
        EventNotification unrelated = event(EventType.AGENT_FAILURE, "erin/fix-tests.main");
        EventNotification sentinel = event(EventType.AGENT_FAILURE, "dave/sentinel.worker");
        StompProbe probe = subscribed(RunningBroadcaster.ADMIN, "agent-ids",
                byUuid.agentId() + "," + byKey.agent().key() + ",dave/*.worker");
        awaitLiveFor(probe, event(EventType.AGENT_FAILURE, "dave/ping.worker"));

        produceThenSentinel(List.of(byUuid, byKey, byPathWildcard, unrelated), sentinel, probe);

        assertThat(probe.eventIds()).containsExactly(byUuid.eventId(), byKey.eventId(), byPathWildcard.eventId(), sentinel.eventId());
        probe.close();
    }

    @Test
    void shouldApplyTheTokenScopeOnTopOfTheFilterLiveAndReplayed() {
        StompProbe alice = subscribed(RunningBroadcaster.ALICE, "agent-ids", "*");
        StompProbe acme = subscribed(RunningBroadcaster.ACME);
        awaitLive(alice);
        awaitLiveFor(acme, event(EventType.AGENT_FAILURE, "zed/ping.main", "acme"));
        String start = alice.lastToken();
        EventNotification alices = event(EventType.AGENT_FAILURE, "alice/mine.main");
        EventNotification bobs = event(EventType.AGENT_FAILURE, "bob/theirs.main");
        EventNotification acmes = event(EventType.AGENT_FAILURE, "zed/acme.main", "acme");
        EventNotification sentinel = event(EventType.AGENT_FAILURE, "alice/sentinel.main", "acme");

        produceThenSentinel(List.of(alices, bobs, acmes), sentinel, alice, acme);

        assertThat(alice.eventIds()).containsExactly(alices.eventId(), sentinel.eventId());
        assertThat(acme.eventIds()).containsExactly(acmes.eventId(), sentinel.eventId());
        StompProbe replay = subscribed(RunningBroadcaster.ALICE, "replay-from", "earliest");
        await().atMost(WAIT).until(() -> replay.eventIds().contains(sentinel.eventId()));
        assertThat(replay.messages).allSatisfy(frame -> assertThat(frame.body()).contains("\"owner\":\"alice\""));
        assertThat(replay.eventIds()).doesNotContain(bobs.eventId(), acmes.eventId());
        alice.close();
        acme.close();
        replay.close();
    }

    @Test
    void shouldResumeExactlyAfterTheLastSeenEventWithAResumeToken() {
        StompProbe first = subscribed(RunningBroadcaster.ADMIN, "agent-ids", "frank/*");
        awaitLiveFor(first, event(EventType.AGENT_FAILURE, "frank/ping.main"));
        List<EventNotification> before = List.of(event(EventType.AGENT_FAILURE, "frank/a.main"), event(EventType.AGENT_FAILURE, "frank/b.main"));
        produceThenSentinel(List.of(), before.get(1), first);
        producer.send(before.get(0));
        String token = first.lastToken();
        first.close();
        List<EventNotification> missed = List.of(event(EventType.TASK_FAILURE, "frank/c.main"), event(EventType.AGENT_FAILURE, "frank/d.main"));
        missed.forEach(producer::send);
        producer.flush();

        StompProbe resumed = subscribed(RunningBroadcaster.ADMIN, "agent-ids", "frank/*", "resume-token", token);

        await().atMost(WAIT).until(() -> resumed.eventIds().contains(missed.get(1).eventId()));
        assertThat(resumed.eventIds()).containsExactly(before.get(0).eventId(), missed.get(0).eventId(), missed.get(1).eventId());
        EventNotification live = event(EventType.AGENT_FAILURE, "frank/live.main");
        producer.send(live);
        producer.flush();
        await().atMost(WAIT).until(() -> resumed.eventIds().contains(live.eventId()));
        assertThat(resumed.eventIds()).doesNotHaveDuplicates();
        resumed.close();
    }

    @Test
    void shouldServeManySubscriptionsOnOneConnectionEachWithItsOwnFilter() {
        StompProbe probe = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ADMIN, true);
        probe.subscribe("failures", "event-types", "AGENT_FAILURE", "agent-ids", "gina/*");
        probe.subscribe("tasks", "event-types", "TASK_COMPLETION", "agent-ids", "gina/*");
        EventNotification failure = event(EventType.AGENT_FAILURE, "gina/x.main");
        EventNotification task = event(EventType.TASK_COMPLETION, "gina/x.main");
        await().atMost(WAIT).until(() -> {
            producer.send(failure);
            producer.send(task);
            producer.flush();
            return probe.messages.stream().anyMatch(f -> f.header("subscription").equals("failures"))
                    && probe.messages.stream().anyMatch(f -> f.header("subscription").equals("tasks"));
        });

        assertThat(probe.messages).allSatisfy(f -> assertThat(f.header("event-type"))
                .isEqualTo(f.header("subscription").equals("failures") ? "AGENT_FAILURE" : "TASK_COMPLETION"));
        probe.close();
    }

    @Test
    void shouldAdmitAJwtWithTheScopeOfItsClaimsAndEndTheConnectionWhenItExpiresWithResumeTokens() {
        StompProbe lasting = subscribed(RunningBroadcaster.jwt("alice-agent", List.of("alice"), Instant.now().plusSeconds(600)),
                "agent-ids", "*");
        Instant expiry = Instant.now().plusSeconds(6);
        StompProbe expiring = subscribed(RunningBroadcaster.jwt("alice-short", List.of("alice"), expiry), "agent-ids", "*");
        awaitLive(expiring); // it has received frames before it expires, so its resume token is a frame's
        StompProbe forged = StompProbe.connect(broadcaster.stompUrl(),
                RunningBroadcaster.jwt("alice-agent", List.of("alice"), Instant.now().plusSeconds(600)) + "x");
        awaitLive(lasting);
        EventNotification alices = event(EventType.AGENT_FAILURE, "alice/jwt.main");
        EventNotification bobs = event(EventType.AGENT_FAILURE, "bob/jwt.main");
        EventNotification sentinel = event(EventType.AGENT_FAILURE, "alice/jwt-sentinel.main");

        produceThenSentinel(List.of(alices, bobs), sentinel, lasting);

        assertThat(lasting.eventIds()).endsWith(alices.eventId(), sentinel.eventId()).doesNotContain(bobs.eventId());
        await().atMost(WAIT).until(() -> forged.firstError() != null);
        assertThat(forged.firstError()).startsWith("invalid JWT");
        // expiry (exp has whole seconds): an ERROR with the resume token of the last frame received, then the close
        await().atMost(WAIT).until(() -> expiring.firstError() != null);
        assertThat(Instant.now()).isAfterOrEqualTo(expiry.truncatedTo(ChronoUnit.SECONDS));
        assertThat(expiring.firstError()).startsWith("credential expired at");
        assertThat(broadcaster.bean(MeterRegistry.class).get("fleet.broadcaster.credential.expiries").counter().count())
                .isEqualTo(1.0);
        String resumeToken = expiring.errors.get(0).header("resume-token");
        assertThat(resumeToken).isNotNull().isEqualTo(expiring.lastToken());
        EventNotification later = event(EventType.AGENT_FAILURE, "alice/after-expiry.main");
        producer.send(later);
        producer.flush();
        StompProbe resumed = subscribed(RunningBroadcaster.ALICE, "agent-ids", "*", "resume-token", resumeToken);
        await().atMost(WAIT).until(() -> resumed.eventIds().contains(later.eventId()));
        assertThat(resumed.eventIds()).doesNotContainAnyElementsOf(expiring.eventIds()).doesNotHaveDuplicates();
        lasting.close();
        expiring.close();
        forged.close();
        resumed.close();
    }

    @Test
    void shouldRefuseAConnectionWithoutATokenOrWithAnUnknownOne() {
        StompProbe none = StompProbe.connect(broadcaster.stompUrl(), null);
        StompProbe wrong = StompProbe.connect(broadcaster.stompUrl(), "not-a-token");

        await().atMost(WAIT).until(() -> none.firstError() != null && wrong.firstError() != null);
        assertThat(none.firstError()).contains("authentication required");
        assertThat(wrong.firstError()).contains("unknown or revoked token");
        assertThat(none.connected()).isFalse();
        none.close();
        wrong.close();
    }

    @Test
    void shouldAnswerEachBadSubscriptionWithAnErrorNamingTheProblem() {
        assertErrorFor("unknown event type 'AGENT_EXPLODED'", "event-types", "AGENT_EXPLODED");
        assertErrorFor("unknown severity 'LOUD'", "severity-min", "LOUD");
        assertErrorFor("malformed resume token", "resume-token", "!!not-base64!!");
        assertErrorFor("replay-from 'yesterday'", "replay-from", "yesterday");
        assertErrorFor("filter is not valid JSON", "filter", "{not json");
        assertErrorFor("either resume-token or replay-from", "replay-from", "earliest", "resume-token", "AQEAAA");
    }

    private static void assertErrorFor(String expected, String... headers) {
        StompProbe probe = subscribed(RunningBroadcaster.ADMIN, headers);
        await().atMost(WAIT).until(() -> probe.firstError() != null);
        assertThat(probe.errors.get(0).body()).contains(expected);
        probe.close();
    }

    @Test
    void shouldRefuseAnUnknownDestinationAndKeepServingOthers() {
        StompProbe healthy = subscribed(RunningBroadcaster.ADMIN, "agent-ids", "henry/*");
        StompProbe bad = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ADMIN);
        org.springframework.messaging.simp.stomp.StompHeaders headers = new org.springframework.messaging.simp.stomp.StompHeaders();

        bad.subscribe("x", "destination", "/topic/everything");

        await().atMost(WAIT).until(() -> bad.firstError() != null);
        assertThat(bad.firstError()).contains("unknown destination");
        awaitLiveFor(healthy, event(EventType.AGENT_FAILURE, "henry/ping.main"));
        assertThat(headers).isEmpty();
        healthy.close();
        bad.close();
    }

    @Test
    void shouldNotObserveTheHandshakeAsAnHttpRequestButStillObserveOtherRequests() throws Exception {
        MeterRegistry registry = broadcaster.bean(MeterRegistry.class);
        StompProbe probe = subscribed(RunningBroadcaster.ADMIN, "event-types", "AGENT_FAILURE");
        HttpResponse<String> poll = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(broadcaster.httpUrl() + "/api/events?limit=1"))
                .header("Authorization", "Bearer " + RunningBroadcaster.ADMIN).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(probe.connected()).isTrue();
        assertThat(poll.statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(registry.find("http.server.requests").timers())
                .extracting(timer -> timer.getId().getTag("uri")).contains("/api/events"));
        assertThat(registry.find("http.server.requests").timers())
                .extracting(timer -> timer.getId().getTag("uri")).noneMatch(uri -> uri.contains("subscribe"));
        probe.close();
    }
}
