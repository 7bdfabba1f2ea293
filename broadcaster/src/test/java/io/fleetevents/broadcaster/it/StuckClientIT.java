package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading altogether: once the kernel buffers between it and the server are full, the server's
 * write to it cannot complete, and after {@code fleet.broadcaster.stomp.send-timeout} the connection is closed and counted
 * as a slow-consumer drop, while a healthy subscriber of the same events on the same instance gets every one. The
 * per-connection queue is made far larger than the test's events, so only the write watchdog can drop it.
 */
class StuckClientIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static String topic;
    private static RunningBroadcaster broadcaster;

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("stuck-events", 3);
        broadcaster = RunningBroadcaster.start(topic, Map.of(
                "fleet.broadcaster.stomp.send-timeout", "2s",
                "fleet.broadcaster.stomp.socket-send-buffer", "65536",
                "fleet.broadcaster.stomp.send-buffer-frames", "100000",
                "fleet.broadcaster.stomp.send-buffer-bytes", "1000000000"));
    }

    @AfterAll
    static void stop() {
        broadcaster.close();
    }

    @Test
    void shouldCloseAClientWhoseWriteWaitedLongerThanTheSendTimeoutAndKeepServingTheOthers() throws Exception {
        BroadcasterMetrics metrics = broadcaster.bean(BroadcasterMetrics.class);
        MeterRegistry registry = broadcaster.bean(MeterRegistry.class);
        StompProbe healthy = StompProbe.connect(broadcaster.stompUrl(), RunningBroadcaster.ADMIN);
        healthy.subscribe("h", "agent-ids", "stuck/*");
        double connectionsBefore = connections(registry);
        double dropsBefore = metrics.slowConsumerDropCount();

        // the JDK client reads from its socket only on demand: with none requested, it reads nothing at all
        WebSocket stuck = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v12.stomp")
                .buildAsync(URI.create(broadcaster.stompUrl()), new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket webSocket) {
                        // no request(n): never read
                    }
                }).get();
        stuck.sendText("CONNECT\naccept-version:1.2\nhost:localhost\npasscode:" + RunningBroadcaster.ADMIN
                + "\nheart-beat:0,0\n\n\0", true).get();
        stuck.sendText("SUBSCRIBE\nid:0\ndestination:/topic/events\nagent-ids:stuck/*\n\n\0", true).get();
        await().atMost(WAIT).until(() -> connections(registry) == connectionsBefore + 1
                && registry.get("fleet.broadcaster.subscriptions").gauge().value() >= 2);

        Set<String> produced = new LinkedHashSet<>();
        String padding = "x".repeat(4_000);
        try (EventProducer producer = new EventProducer(topic)) {
            // ~2 MB: far more than the socket buffers hold, far less than the connection's queue would
            for (int i = 0; i < 500; i++) {
                EventNotification event = Events.of(EventType.AGENT_FAILURE, "stuck/ws" + (i % 5) + ".main")
                        .metadata("padding", padding).sequence(i).build();
                producer.send(event);
                produced.add(event.eventId());
            }
            producer.flush();
        }

        await().atMost(WAIT).until(() -> metrics.slowConsumerDropCount() > dropsBefore);
        await().atMost(WAIT).until(() -> connections(registry) == connectionsBefore);
        assertThat(metrics.slowConsumerDropCount()).as("dropped once").isEqualTo(dropsBefore + 1);

        await().atMost(WAIT).failFast("healthy client failed: " + healthy.failures, () -> !healthy.failures.isEmpty())
                .until(() -> healthy.messages.size() >= produced.size());
        assertThat(healthy.eventIds()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(produced);
        assertThat(healthy.errors).isEmpty();
        stuck.abort();
        healthy.close();
    }

    private static double connections(MeterRegistry registry) {
        return registry.get("fleet.broadcaster.connections").gauge().value();
    }
}
