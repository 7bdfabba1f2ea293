package io.fleetevents.poller.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.poller.coder.CoderStreams;
import io.fleetevents.poller.cycle.FleetView;
import io.fleetevents.poller.cycle.SnapshotOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The watch set against a fake Coder stream port: choice, held state, backoff to fallback and back, bad frames. */
class WorkspaceWatchesTest {

    /** Streams opened, by workspace id, newest last; the test plays Coder through their listeners. */
    private final Map<String, List<CoderStreams.StreamListener>> opened = new ConcurrentHashMap<>();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final CoderStreams streams = (endpoint, path, listener) -> {
        String id = path.substring("/api/v2/workspaces/".length(), path.length() - "/watch".length());
        opened.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
        return cancelled::incrementAndGet;
    };
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final SnapshotOrder order = new SnapshotOrder();
    private final AtomicLong ids = new AtomicLong(100);
    private final AtomicInteger fallbacks = new AtomicInteger();
    private final AtomicInteger malformed = new AtomicInteger();
    private final WorkspaceWatches watches = new WorkspaceWatches(streams,
            (workspace, viewId, at) -> {
                written.add(workspace.path("id").asString() + "@" + viewId);
                return 1;
            }, ids::incrementAndGet, order, Clock.systemUTC(),
            new WorkspaceWatches.Settings(2, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(30), 2,
                    Duration.ZERO, Duration.ofHours(1)),
            new RequestPacer(60_000), new PushListener() {
                @Override
                public void fellBack(String source) {
                    fallbacks.incrementAndGet();
                }

                @Override
                public void malformed(String source) {
                    malformed.incrementAndGet();
                }
            });

    @AfterEach
    void close() {
        watches.close();
    }

    private CoderStreams.StreamListener latest(String id) {
        await().atMost(Duration.ofSeconds(5)).until(() -> opened.containsKey(id));
        List<CoderStreams.StreamListener> list = opened.get(id);
        return list.get(list.size() - 1);
    }

    private int opens(String id) {
        return opened.getOrDefault(id, List.of()).size();
    }

    @Test
    void shouldWatchTheFirstWorkspacesOfTheCyclesOrderUpToTheMaximum() {
        watches.reconcile(new FleetView(1, List.of("ai-1", "ai-2", "other"), Map.of()));

        await().atMost(Duration.ofSeconds(5)).until(() -> opened.size() == 2);
        assertThat(opened).containsOnlyKeys("ai-1", "ai-2");
        watches.reconcile(new FleetView(2, List.of("ai-2", "other"), Map.of()));
        await().atMost(Duration.ofSeconds(5)).until(() -> opened.containsKey("other"));
        assertThat(cancelled.get()).as("ai-1 left the choice: its watch is closed").isEqualTo(1);
        assertThat(watches.watched()).isEqualTo(2);
    }

    @Test
    void shouldMarkAWatchHeldAtItsFirstViewAndWriteEachViewWithAFreshId() {
        watches.reconcile(new FleetView(1, List.of("w1"), Map.of()));
        CoderStreams.StreamListener coder = latest("w1");

        coder.opened();
        coder.event("ping", "");
        assertThat(order.watchHeld("w1")).as("a ping is no view").isFalse();
        coder.event("data", "{\"id\":\"w1\"}");

        assertThat(order.watchHeld("w1")).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);
        assertThat(written).containsExactly("w1@101");
        coder.closed(0, "the stream ended");
        assertThat(order.watchHeld("w1")).isFalse();
    }

    @Test
    void shouldReopenAfterADropAndFallBackOnlyAfterRepeatedFailuresThenRecover() {
        watches.reconcile(new FleetView(1, List.of("w1"), Map.of()));
        CoderStreams.StreamListener first = latest("w1");
        first.event("data", "{\"id\":\"w1\"}");

        first.closed(0, "the stream ended");
        await().atMost(Duration.ofSeconds(5)).until(() -> opens("w1") == 2);
        latest("w1").closed(503, "Coder answered 503");
        await().atMost(Duration.ofSeconds(5)).until(() -> opens("w1") == 3);
        assertThat(fallbacks.get()).as("a held watch's drop is no failure; one failed reopening is not enough")
                .isZero();
        latest("w1").closed(503, "Coder answered 503");
        await().atMost(Duration.ofSeconds(5)).until(() -> opens("w1") == 4);

        assertThat(fallbacks.get()).isEqualTo(1);
        assertThat(watches.fallenBack()).isEqualTo(1);
        latest("w1").event("data", "{\"id\":\"w1\"}");
        assertThat(watches.fallenBack()).isZero();
        assertThat(watches.held()).isEqualTo(1);
    }

    @Test
    void shouldDropAFrameThatIsNotTheWorkspaceAndReopenTheWatch() {
        watches.reconcile(new FleetView(1, List.of("w1"), Map.of()));
        CoderStreams.StreamListener coder = latest("w1");

        coder.event("data", "{not json");

        await().atMost(Duration.ofSeconds(5)).until(() -> opens("w1") == 2);
        assertThat(malformed.get()).isEqualTo(1);
        assertThat(written).isEmpty();
        latest("w1").event("data", "{\"id\":\"someone-else\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> malformed.get() == 2);
        assertThat(written).isEmpty();
    }

    @Test
    void shouldRetryAWatchCoderAnswered404OnlyAfterTheNotFoundWaitAndDropItWhenTheWorkspaceLeaves() {
        watches.reconcile(new FleetView(1, List.of("w1"), Map.of()));

        latest("w1").closed(404, "Coder answered 404");
        watches.reconcile(new FleetView(2, List.of("w1"), Map.of()));

        assertThat(watches.fallenBack()).isEqualTo(1);
        assertThat(opens("w1")).as("no reopening within the hour, not even at the next cycle").isEqualTo(1);
        watches.reconcile(new FleetView(3, List.of(), Map.of()));
        assertThat(watches.watched()).isZero();
    }
}
