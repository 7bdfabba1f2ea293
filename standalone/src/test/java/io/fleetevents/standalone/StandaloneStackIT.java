package io.fleetevents.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.standalone.docs.JavaClientExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.simp.stomp.StompSession;

/**
 * The README's stack, in-process: a STOMP client (the Java snippet of docs/clients.md) receives events soon after
 * start, and a restart on the same data directory keeps history, so replay and resume work across restarts.
 */
class StandaloneStackIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldDeliverEventsSoonAfterStartAndKeepHistoryAcrossARestart() throws Exception {
        StandaloneConfig config = new StandaloneConfig(dataDir, 0, 0, 0, 0, 20, 42, Duration.ofSeconds(1), Duration.ofSeconds(1), null, null);
        Received firstRun = new Received();
        String tokenBeforeRestart;
        Set<String> idsBeforeRestart;

        long started = System.nanoTime();
        try (StandaloneStack stack = StandaloneStack.start(config)) {
            StompSession session = JavaClientExample.subscribe(url(stack), stack.devToken(), null, firstRun::add);

            await().atMost(Duration.ofSeconds(90)).until(() -> firstRun.size() >= 5);
            System.out.printf("standalone: first event %.1f s after start%n", (firstRun.firstAt - started) / 1e9);
            session.disconnect();
            synchronized (firstRun) {
                tokenBeforeRestart = firstRun.lastToken;
                idsBeforeRestart = new HashSet<>(firstRun.ids);
            }
        }

        try (StandaloneStack restarted = StandaloneStack.start(config)) {
            Received replayed = new Received();
            Received resumed = new Received();
            JavaClientExample.subscribe(url(restarted), restarted.devToken(), null, replayed::add);
            JavaClientExample.subscribe(url(restarted), restarted.devToken(), tokenBeforeRestart, resumed::add);

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                synchronized (replayed) {
                    assertThat(replayed.ids).containsAll(idsBeforeRestart);
                }
            });
            restarted.sim().createWorkspace("erin", "after-restart", "devbox", false, false);
            await().atMost(Duration.ofSeconds(90)).until(() -> resumed.size() >= 1);
            synchronized (resumed) {
                assertThat(resumed.ids).doesNotContainAnyElementsOf(idsBeforeRestart);
                assertThat(resumed.duplicates).isZero();
            }
            synchronized (replayed) {
                assertThat(replayed.duplicates).isZero();
            }
        }
    }

    private static String url(StandaloneStack stack) {
        return "ws://localhost:" + stack.httpPort() + "/api/events/subscribe";
    }

    /** What one subscriber received, in order. */
    static final class Received {
        final List<String> ids = new ArrayList<>();
        int duplicates;
        String lastToken;
        long firstAt;

        synchronized void add(EventNotification event, String resumeToken) {
            if (ids.contains(event.eventId())) {
                duplicates++;
            }
            if (ids.isEmpty()) {
                firstAt = System.nanoTime();
            }
            ids.add(event.eventId());
            lastToken = resumeToken;
        }

        synchronized int size() {
            return ids.size();
        }
    }
}
