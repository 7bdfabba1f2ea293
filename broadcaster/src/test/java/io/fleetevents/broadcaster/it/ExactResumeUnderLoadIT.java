package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactness: while events flow at over 1,000/s, a client hops between two instances with its last resume token and
 * ends up with exactly the events it should have, compared by event_id, in partition order. And a client too slow
 * to keep up is dropped with an ERROR carrying its resume token, from which it resumes without loss.
 */
class ExactResumeUnderLoadIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static String topic;
    private static RunningBroadcaster first;
    private static RunningBroadcaster second;

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("exact-events", 3);
        first = RunningBroadcaster.start(topic, Map.of());
        second = RunningBroadcaster.start(topic, Map.of("fleet.broadcaster.stomp.send-buffer-frames", "16",
                "fleet.broadcaster.stomp.send-buffer-bytes", "65536"));
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void shouldEndWithExactlyTheMatchingEventsAfterResumingOnAnotherInstanceUnderLoad() throws Exception {
        StompProbe client = StompProbe.connect(first.stompUrl(), RunningBroadcaster.ADMIN);
        client.subscribe("s", "agent-ids", "alice/*");
        try (EventProducer producer = new EventProducer(topic)) {
            EventNotification ping = Events.of(EventType.AGENT_CONNECTED, "alice/ping.main").sequence(-1).build();
            await().atMost(WAIT).until(() -> {
                producer.send(ping);
                producer.flush();
                return client.eventIds().contains(ping.eventId());
            });
            List<String> expected = new ArrayList<>();
            int total = 6_000;
            CountDownLatch hop1 = new CountDownLatch(1);
            CountDownLatch hop2 = new CountDownLatch(1);
            Thread writer = new Thread(() -> {
                long startNanos = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    String owner = i % 2 == 0 ? "alice" : "bob";
                    EventNotification event = Events.of(EventType.values()[i % 6], owner + "/ws" + (i % 40) + ".main")
                            .sequence(i).build();
                    if (owner.equals("alice")) {
                        synchronized (expected) {
                            expected.add(event.eventId());
                        }
                    }
                    producer.send(event);
                    if (i == total / 3) {
                        hop1.countDown();
                    }
                    if (i == 2 * total / 3) {
                        hop2.countDown();
                    }
                    // pace at 2,000 events/s
                    long due = startNanos + (i + 1) * 500_000L;
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                }
                producer.flush();
            });
            writer.start();
            long started = System.nanoTime();

            hop1.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<StompProbe.Frame> received = new ArrayList<>(client.messages);
            client.close();
            StompProbe onSecond = StompProbe.connect(second.stompUrl(), RunningBroadcaster.ADMIN);
            onSecond.subscribe("s", "agent-ids", "alice/*", "resume-token", lastToken(received));
            hop2.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            List<StompProbe.Frame> onSecondFrames = new ArrayList<>(onSecond.messages);
            onSecond.close();
            received.addAll(onSecondFrames);
            StompProbe backOnFirst = StompProbe.connect(first.stompUrl(), RunningBroadcaster.ADMIN);
            backOnFirst.subscribe("s", "agent-ids", "alice/*", "resume-token", lastToken(received));
            writer.join();
            double rate = total / ((System.nanoTime() - started) / 1e9);

            await().atMost(WAIT).until(() -> ids(concat(received, backOnFirst.messages)).containsAll(expected));
            List<StompProbe.Frame> all = concat(received, backOnFirst.messages);
            List<String> ids = ids(all).stream().filter(id -> !id.equals(ping.eventId())).toList();
            assertThat(rate).as("producer rate").isGreaterThan(1_000);
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
            assertInPartitionOrder(all);
            backOnFirst.close();
        }
    }

    @Test
    void shouldDropASlowConsumerWithItsResumeTokenAndLetItResumeWithoutLoss() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger seen = new AtomicInteger();
        StompProbe slow = StompProbe.connect(second.stompUrl(), RunningBroadcaster.ADMIN);
        slow.onMessage = () -> {
            if (seen.incrementAndGet() == 1) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        slow.subscribe("slow", "agent-ids", "slowpoke/*");
        BroadcasterMetrics metrics = second.bean(BroadcasterMetrics.class);
        double dropsBefore = metricsDrops(metrics);
        Set<String> produced = new LinkedHashSet<>();
        String padding = "x".repeat(4_000);
        try (EventProducer producer = new EventProducer(topic)) {
            int i = 0;
            while (metricsDrops(metrics) == dropsBefore && i < 4_000) {
                EventNotification event = Events.of(EventType.AGENT_FAILURE, "slowpoke/ws" + (i % 7) + ".main")
                        .metadata("padding", padding).sequence(i).build();
                producer.send(event);
                produced.add(event.eventId());
                i++;
                if (i % 500 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
        }
        await().atMost(WAIT).until(() -> metricsDrops(metrics) > dropsBefore);
        assertThat(metricsDrops(metrics)).as("slow consumer dropped").isGreaterThan(dropsBefore);

        release.countDown();

        await().atMost(WAIT).failFast("client failed: " + slow.failures, () -> !slow.failures.isEmpty() && slow.errors.isEmpty())
                .until(() -> slow.firstError() != null);
        StompProbe.Frame error = slow.errors.get(0);
        assertThat(error.header("message")).contains("slow consumer");
        String token = error.header("resume-token");
        assertThat(token).isNotBlank();
        List<String> before = slow.eventIds();
        StompProbe resumed = StompProbe.connect(second.stompUrl(), RunningBroadcaster.ADMIN);
        resumed.subscribe("slow", "agent-ids", "slowpoke/*", "resume-token", token);
        await().atMost(WAIT).until(() -> resumed.messages.size() + before.size() >= produced.size());
        List<String> all = new ArrayList<>(before);
        all.addAll(resumed.eventIds());
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all).containsExactlyInAnyOrderElementsOf(produced);
        slow.close();
        resumed.close();
    }

    private static double metricsDrops(BroadcasterMetrics metrics) {
        return metrics.slowConsumerDropCount();
    }

    private static String lastToken(List<StompProbe.Frame> frames) {
        return frames.get(frames.size() - 1).header("resume-token");
    }

    private static List<StompProbe.Frame> concat(List<StompProbe.Frame> a, List<StompProbe.Frame> b) {
        List<StompProbe.Frame> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> ids(List<StompProbe.Frame> frames) {
        return frames.stream().map(f -> f.header("event-id")).toList();
    }

    private static void assertInPartitionOrder(List<StompProbe.Frame> frames) {
        Map<String, Long> lastOffset = new HashMap<>();
        for (StompProbe.Frame frame : frames) {
            String[] parts = frame.header("message-id").split("-");
            long offset = Long.parseLong(parts[1]);
            Long previous = lastOffset.put(parts[0], offset);
            assertThat(previous == null || previous < offset).as("partition %s offset %s after %s", parts[0], offset, previous).isTrue();
        }
    }
}
