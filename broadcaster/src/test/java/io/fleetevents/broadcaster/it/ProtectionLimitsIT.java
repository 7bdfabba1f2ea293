package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every protection limit over real sockets: connections in total and per token (STOMP and SSE), subscriptions per
 * connection, inbound frame size, and the connect rate — each refused with a message that names the limit, while the
 * server keeps serving the clients within their limits.
 */
class ProtectionLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicLong sequence = new AtomicLong();
    private static String topic;
    private static RunningBroadcaster broadcaster;
    private static EventProducer producer;
    private static ConnectionLimiter limiter;

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("limits-events", 1);
        broadcaster = RunningBroadcaster.start(topic, Map.of(
                "fleet.broadcaster.limits.max-connections", "3",
                "fleet.broadcaster.limits.max-connections-per-token", "2",
                "fleet.broadcaster.limits.max-subscriptions-per-connection", "2",
                "fleet.broadcaster.limits.max-frame-bytes", "1024",
                "fleet.broadcaster.http.sse-heartbeat", "200ms")); // a closed SSE client is noticed at the next write
        producer = new EventProducer(topic);
        limiter = broadcaster.bean(ConnectionLimiter.class);
    }

    @AfterAll
    static void stop() {
        producer.close();
        broadcaster.close();
    }

    /** Each test starts from an empty server: what a test opened is closed and released before the next. */
    @AfterEach
    void allReleased() {
        await().atMost(WAIT).until(() -> limiter.openConnections() == 0);
    }

    @Test
    void shouldRefuseAThirdStompConnectionOfOneTokenNamingTheLimitAndAdmitItOnceOneCloses() {
        StompProbe first = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ALICE);
        StompProbe second = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ALICE);
        StompProbe third = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ALICE);

        assertThat(first.connected()).isTrue();
        assertThat(second.connected()).isTrue();
        await().atMost(WAIT).until(() -> third.firstError() != null);
        assertThat(third.firstError()).isEqualTo(
                "token 'alice' already has 2 connections open (fleet.broadcaster.limits.max-connections-per-token)");
        assertThat(third.connected()).isFalse();

        first.close();
        await().atMost(WAIT).until(() -> limiter.openConnections() == 1);
        StompProbe again = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ALICE);
        assertThat(again.connected()).as("admitted once one of alice's connections closed").isTrue();
        List.of(second, third, again).forEach(StompProbe::close);
    }

    @Test
    void shouldCloseTheConnectionBeyondTheServerTotalWithCode1013AndTheReason() throws Exception {
        List<StompProbe> open = List.of(
                StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.BOB),
                StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.BOB),
                StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ADMIN));
        assertThat(open).allMatch(StompProbe::connected);
        double refusedBefore = refusals();

        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("v12.stomp")
                .buildAsync(URI.create(broadcaster.stompUrl()), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode + " " + reason);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);

        assertThat(closed.get(20, TimeUnit.SECONDS))
                .isEqualTo("1013 server is full: 3 connections open; try another instance or later");
        assertThat(refusals()).isEqualTo(refusedBefore + 1);
        socket.abort();
        open.forEach(StompProbe::close);
    }

    @Test
    void shouldRefuseAThirdSubscriptionAndALargeFrameWhileOtherClientsKeepReceiving() {
        StompProbe healthy = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.BOB);
        healthy.subscribe("h", "agent-ids", "bob/*");
        StompProbe tooMany = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ADMIN);
        tooMany.subscribe("s1", "event-types", "AGENT_FAILURE");
        tooMany.subscribe("s2", "event-types", "TASK_FAILURE");
        tooMany.subscribe("s3", "event-types", "TASK_COMPLETION");
        StompProbe tooLarge = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ALICE);
        tooLarge.subscribe("big", "agent-ids", "alice/" + "x".repeat(2_000));

        await().atMost(WAIT).until(() -> tooMany.firstError() != null && tooLarge.firstError() != null);
        assertThat(tooMany.firstError())
                .isEqualTo("at most 2 subscriptions per connection (fleet.broadcaster.limits.max-subscriptions-per-connection)");
        assertThat(tooLarge.firstError()).isEqualTo("frame larger than 1024 bytes (fleet.broadcaster.limits.max-frame-bytes)");

        EventNotification event = Events.of(EventType.AGENT_FAILURE, "bob/after-refusals.main")
                .sequence(sequence.incrementAndGet()).build();
        producer.send(event);
        producer.flush();
        await().atMost(WAIT).until(() -> healthy.eventIds().contains(event.eventId()));
        List.of(healthy, tooMany, tooLarge).forEach(StompProbe::close);
    }

    @Test
    void shouldAnswerASseStreamBeyondTheTokenLimitWith429AndTheLimitNamed() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<InputStream> streams = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<InputStream> stream = client.send(sse(RunningBroadcaster.ALICE), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            streams.add(stream.body());
        }

        HttpResponse<String> refused = client.send(sse(RunningBroadcaster.ALICE), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.body()).contains(
                "token 'alice' already has 2 connections open (fleet.broadcaster.limits.max-connections-per-token)");
        for (InputStream stream : streams) {
            stream.close();
        }
    }

    @Test
    void shouldRefuseHandshakesBeyondTheConnectRateWith429() throws Exception {
        try (RunningBroadcaster paced = RunningBroadcaster.start(topic,
                Map.of("fleet.broadcaster.limits.connects-per-second", "1"))) {
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<WebSocket>> attempts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                attempts.add(client.newWebSocketBuilder().subprotocols("v12.stomp")
                        .buildAsync(URI.create(paced.stompUrl()), new WebSocket.Listener() { }));
            }
            int accepted = 0;
            List<Integer> refusedStatus = new ArrayList<>();
            for (CompletableFuture<WebSocket> attempt : attempts) {
                try {
                    attempt.get(20, TimeUnit.SECONDS).abort();
                    accepted++;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                    assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
                    refusedStatus.add(((WebSocketHandshakeException) cause).getResponse().statusCode());
                }
            }
            // 5 handshakes started together against a bucket of 1 per second: some pass, the rest are told to retry
            assertThat(accepted).isBetween(1, 4);
            assertThat(refusedStatus).isNotEmpty().allMatch(status -> status == 429);
        }
    }

    private static HttpRequest sse(String token) {
        return HttpRequest.newBuilder(URI.create(broadcaster.httpUrl() + "/api/events/stream?agent_ids=*"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
    }

    private static double refusals() {
        return broadcaster.bean(MeterRegistry.class).get("fleet.broadcaster.limit.refusals").counter().count();
    }
}
