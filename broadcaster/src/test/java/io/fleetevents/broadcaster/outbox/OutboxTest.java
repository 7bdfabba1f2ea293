package io.fleetevents.broadcaster.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.LivePosition;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionIndex;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.SubscriptionFilter;
import io.fleetevents.testing.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The outbox with a codec that writes {@code M<token>;} per event and a sink whose writes complete when the test
 * says so: what is written, in which units, and what the client is told when it is dropped.
 */
class OutboxTest {

    private static final EventRoute EVENT = EventRoute.of(Events.of(EventType.AGENT_FAILURE, "alice/ws.main").build());
    private static final OutboxLimits LIMITS = new OutboxLimits(3, 1_000, 1_000, 1_000, 1, 1_000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BroadcasterMetrics metrics = new BroadcasterMetrics(registry);
    private final Subscriptions subscriptions = new Subscriptions(null, new SubscriptionIndex(metrics), null, metrics);
    private final FakeSink sink = new FakeSink();
    private final List<Outbox> scheduled = new ArrayList<>();
    private Subscription subscription;

    private Outbox outbox(OutboxLimits limits) {
        List<Subscription> mine = new ArrayList<>();
        Outbox outbox = new Outbox("test", new FakeCodec(), sink, scheduled::add, limits, subscriptions, metrics, () -> mine);
        subscription = new Subscription("s", SubscriptionFilter.ALL, TokenScope.wholeFleet(), outbox,
                new LivePosition(new long[] {0}));
        subscription.startAt(new long[] {0});
        mine.add(subscription);
        return outbox;
    }

    private void deliver(Outbox outbox, String token) {
        outbox.deliver(subscription, new Delivery(0, 0, EVENT, "{}".getBytes(StandardCharsets.UTF_8), new long[] {1}),
                token, null);
    }

    /** Runs the pumps the outbox asked for, as its writer thread would. */
    private void runWriter() {
        while (!scheduled.isEmpty()) {
            scheduled.remove(0).pump();
        }
    }

    @Test
    void shouldWriteWhatQueuedUpDuringAWriteAsOneBatchOnceItCompletes() {
        Outbox outbox = outbox(new OutboxLimits(10, 1_000, 1_000, 1_000, 5, 1_000));
        deliver(outbox, "a");
        runWriter();

        deliver(outbox, "b");
        deliver(outbox, "c");
        sink.completeNext(null);

        assertThat(sink.writes).containsExactly("Ma;", "Mb;Mc;");
        assertThat(scheduled).as("the completion pumped, not a second writer").isEmpty();
        sink.completeNext(null);
        assertThat(subscription.lastSentToken()).isEqualTo("c");
        assertThat(registry.get("fleet.broadcaster.deliveries").counter().count()).isEqualTo(3);
    }

    @Test
    void shouldEndABatchAtTheBatchLimit() {
        Outbox outbox = outbox(new OutboxLimits(10, 1_000, 7, 1_000, 5, 1_000));
        deliver(outbox, "a");
        runWriter();
        deliver(outbox, "b");
        deliver(outbox, "c");
        deliver(outbox, "d");

        sink.completeNext(null);
        sink.completeNext(null);

        assertThat(sink.writes).containsExactly("Ma;", "Mb;Mc;", "Md;");
    }

    @Test
    void shouldGoOnInTheSameLoopWhenTheSinkCompletesBeforeSendReturns() {
        Outbox outbox = outbox(new OutboxLimits(10, 1_000, 3, 1_000, 5, 1_000));
        sink.synchronous = true;
        deliver(outbox, "a");
        deliver(outbox, "b");

        runWriter();

        assertThat(sink.writes).containsExactly("Ma;", "Mb;");
        assertThat(subscription.lastSentToken()).isEqualTo("b");
    }

    @Test
    void shouldDropASlowConsumerWithTheTokenOfTheLastFrameItWasSent() {
        Outbox outbox = outbox(LIMITS);
        deliver(outbox, "t1");
        runWriter();
        deliver(outbox, "t2");
        deliver(outbox, "t3");
        deliver(outbox, "t4");

        deliver(outbox, "t5");
        sink.completeNext(null);
        sink.completeNext(null);

        assertThat(sink.writes).containsExactly("Mt1;", "SLOW:s=t1");
        assertThat(sink.closes).containsExactly(true);
        assertThat(subscription.isClosed()).isTrue();
        assertThat(metrics.slowConsumerDropCount()).isEqualTo(1);
        assertThat(outbox.isClosing()).isTrue();
    }

    @Test
    void shouldNotCountControlFramesTowardsTheSlowConsumerLimit() {
        Outbox outbox = outbox(LIMITS);
        deliver(outbox, "t1");
        runWriter();

        for (int i = 0; i < 10; i++) {
            outbox.control("C;".getBytes(StandardCharsets.US_ASCII));
        }

        assertThat(metrics.slowConsumerDropCount()).isZero();
        assertThat(outbox.isClosing()).isFalse();
    }

    @Test
    void shouldWriteWhatIsQueuedThenTheExpiryNoticeWhenTheCredentialExpires() {
        Outbox outbox = outbox(LIMITS);
        outbox.authenticated(new Caller("jwt:alice", TokenScope.wholeFleet(), Instant.parse("2026-01-01T00:00:00Z")));
        deliver(outbox, "t1");
        runWriter();
        deliver(outbox, "t2");

        boolean goesOn = outbox.tick(System.currentTimeMillis());
        deliver(outbox, "t3");
        sink.completeNext(null);
        sink.completeNext(null);
        sink.completeNext(null);

        assertThat(goesOn).isFalse();
        assertThat(sink.writes).containsExactly("Mt1;", "Mt2;", "EXPIRED:s=t2");
        assertThat(sink.closes).containsExactly(true);
        assertThat(subscription.isClosed()).isTrue();
        assertThat(registry.get("fleet.broadcaster.credential.expiries").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldEndWithTheLastFrameAndRefuseEverythingAfterIt() {
        Outbox outbox = outbox(LIMITS);

        boolean ended = outbox.endWith("E;".getBytes(StandardCharsets.US_ASCII));
        boolean endedTwice = outbox.endWith("F;".getBytes(StandardCharsets.US_ASCII));
        deliver(outbox, "t1");
        runWriter();
        sink.completeNext(null);

        assertThat(ended).isTrue();
        assertThat(endedTwice).isFalse();
        assertThat(sink.writes).containsExactly("E;");
        assertThat(sink.closes).containsExactly(true);
    }

    @Test
    void shouldHoldAReplayBackUntilTheWriterMadeRoomAndReleaseItWhenTheConnectionCloses() {
        Outbox outbox = outbox(LIMITS);
        deliver(outbox, "t1");
        runWriter();
        deliver(outbox, "t2");
        deliver(outbox, "t3");

        CompletableFuture<Boolean> paced = CompletableFuture.supplyAsync(outbox::awaitRoom);
        sink.completeNext(null);

        assertThat(paced).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);

        deliver(outbox, "t4");
        deliver(outbox, "t5");
        CompletableFuture<Boolean> closedWhileWaiting = CompletableFuture.supplyAsync(outbox::awaitRoom);
        outbox.closed();

        assertThat(closedWhileWaiting).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false);
    }

    @Test
    void shouldAbortAWriteStuckLongerThanTheSendTimeoutWhenTheSinkDoesNotTimeItOutItself() {
        Outbox outbox = outbox(LIMITS);
        deliver(outbox, "t1");
        runWriter();

        boolean early = outbox.tick(System.currentTimeMillis());
        boolean late = outbox.tick(System.currentTimeMillis() + 1_001);
        sink.completeNext(new IOException("socket closed"));

        assertThat(early).isTrue();
        assertThat(late).isFalse();
        assertThat(sink.aborts).isEqualTo(1);
        assertThat(sink.closes).containsExactly(false);
        assertThat(metrics.slowConsumerDropCount()).as("counted once").isEqualTo(1);
        assertThat(subscription.lastSentToken()).as("never written").isEqualTo(ResumeToken.encode(new long[] {0}));
    }

    @Test
    void shouldLeaveTheTimeoutToASinkThatTimesOutItsOwnWritesAndCountItOnce() {
        Outbox outbox = outbox(LIMITS);
        sink.timesOut = true;
        deliver(outbox, "t1");
        runWriter();

        outbox.tick(System.currentTimeMillis() + 1_001);
        sink.completeNext(new IOException(new SocketTimeoutException()));

        assertThat(sink.aborts).isZero();
        assertThat(sink.closes).containsExactly(false);
        assertThat(metrics.slowConsumerDropCount()).isEqualTo(1);
    }

    @Test
    void shouldCloseAConnectionStillClosingAfterTheSendTimeout() {
        Outbox outbox = outbox(LIMITS);
        sink.timesOut = true;
        deliver(outbox, "t1");
        runWriter();
        outbox.endWith("E;".getBytes(StandardCharsets.US_ASCII));

        outbox.tick(System.currentTimeMillis() + 1_001);

        assertThat(sink.closes).containsExactly(false);
    }

    @Test
    void shouldWriteAHeartBeatOnlyAfterTheIntervalWithoutWrites() {
        Outbox outbox = outbox(LIMITS);
        outbox.heartbeatEvery(5_000);
        long now = System.currentTimeMillis();

        outbox.heartbeat(now);
        runWriter();
        outbox.heartbeat(now + 5_000);
        runWriter();

        assertThat(sink.writes).containsExactly("H;");
    }

    private static final class FakeCodec implements Codec {
        @Override
        public Frame message(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
            byte[] bytes = ("M" + token + ";").getBytes(StandardCharsets.US_ASCII);
            return new Frame(subscription, token) {
                @Override
                public int size() {
                    return bytes.length;
                }

                @Override
                public int writeTo(byte[] out, int at) {
                    System.arraycopy(bytes, 0, out, at, bytes.length);
                    return at + bytes.length;
                }
            };
        }

        @Override
        public byte[] heartbeat() {
            return "H;".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] replayFailed(Subscription subscription, String reason) {
            return ("F:" + reason).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] slowConsumer(Collection<Subscription> subscriptions, OutboxLimits limits) {
            return ("SLOW:" + tokens(subscriptions)).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] credentialExpired(Caller who, Collection<Subscription> subscriptions) {
            return ("EXPIRED:" + tokens(subscriptions)).getBytes(StandardCharsets.US_ASCII);
        }

        private static String tokens(Collection<Subscription> subscriptions) {
            StringJoiner all = new StringJoiner(",");
            subscriptions.forEach(s -> all.add(s.id() + "=" + s.lastSentToken()));
            return all.toString();
        }
    }

    /** Writes complete when the test calls {@link #completeNext} (or at once when {@link #synchronous}). */
    private static final class FakeSink implements Sink {
        final List<String> writes = new ArrayList<>();
        final List<Boolean> closes = new ArrayList<>();
        final ArrayDeque<Completion> pending = new ArrayDeque<>();
        boolean synchronous;
        boolean timesOut;
        int aborts;

        @Override
        public void send(byte[] bytes, int length, Completion done) {
            writes.add(new String(bytes, 0, length, StandardCharsets.US_ASCII));
            if (synchronous) {
                done.completed(null);
            } else {
                pending.add(done);
            }
        }

        void completeNext(Throwable failure) {
            Completion next = pending.poll();
            if (next != null) {
                next.completed(failure);
            }
        }

        @Override
        public void close(boolean clean) {
            closes.add(clean);
        }

        @Override
        public boolean timesOutItsWrites() {
            return timesOut;
        }

        @Override
        public void abortWrite() {
            aborts++;
        }
    }
}
