package io.fleetevents.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.standalone.docs.JavaClientExample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with watches on: changes seen by watches, then watches cut mid-stream and unable to come back
 * (the poll covers the gap), then watches back (their first view repeats what the poll wrote). A STOMP subscriber
 * receives exactly the expected events, each once.
 */
class PushGapIT {

    private static final Map<String, String> POLLER = Map.of(
            "fleet.poller.watch.open-spread", "0s",
            "fleet.poller.watch.max-requests-per-minute", "6000",
            "fleet.poller.watch.reconnect-initial-backoff", "100ms",
            "fleet.poller.watch.reconnect-max-backoff", "300ms",
            "fleet.poller.watch.failures-before-fallback", "2");

    @TempDir
    Path dataDir;

    @BeforeEach
    void pollerSettings() {
        POLLER.forEach(System::setProperty);
    }

    @AfterEach
    void clearPollerSettings() {
        POLLER.keySet().forEach(System::clearProperty);
    }

    @Test
    void shouldDeliverEveryChangeOnceAcrossAWatchGapCoveredByThePoll() throws Exception {
        StandaloneConfig config = new StandaloneConfig(dataDir, 0, 0, 0, 0, 0, 42, Duration.ZERO,
                Duration.ofSeconds(2), null, null);
        List<String> received = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int[] duplicates = {0};
        try (StandaloneStack stack = StandaloneStack.start(config)) {
            CoderSim sim = stack.sim();
            sim.createWorkspace("alice", "a", "claude-code", false, true);
            sim.createWorkspace("bob", "b", "claude-code", false, true);
            JavaClientExample.subscribe("ws://localhost:" + stack.httpPort() + "/api/events/subscribe",
                    stack.devToken(), null, (EventNotification event, String token) -> {
                        synchronized (received) {
                            if (!ids.add(event.eventId())) {
                                duplicates[0]++;
                            }
                            received.add(event.eventType() + " " + event.agent().path());
                        }
                    });
            await().atMost(Duration.ofSeconds(90)).until(() -> count(received) == 2
                    && (int) sim.watchStats().get("watches") == 2);

            // watched
            sim.completeTask("alice/a.main", "first turn done");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(received) == 3);

            // cut: both watches end and every reconnect fails; the poll alone sees the gap's changes
            sim.inject(new Fault(FaultKind.SERVER_ERROR, 100_000, "/api/v2/workspaces/" + sim.workspaceId("alice/a")
                    + "/watch", 0, Duration.ofSeconds(60)));
            sim.inject(new Fault(FaultKind.SERVER_ERROR, 100_000, "/api/v2/workspaces/" + sim.workspaceId("bob/b")
                    + "/watch", 0, Duration.ofSeconds(60)));
            sim.dropWatches();
            sim.failTask("bob/b.main", "tests red");
            sim.completeTask("alice/a.main", "second turn done");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(received) == 5);

            // back: the watches' first views are what the poll already wrote
            sim.clearFaults();
            await().atMost(Duration.ofSeconds(30)).until(() -> (int) sim.watchStats().get("watches") == 2);
            sim.failTask("alice/a.main", "lint failed");
            await().atMost(Duration.ofSeconds(30)).until(() -> count(received) == 6);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> count(received) == 6);
        }

        assertThat(received).containsExactlyInAnyOrder(
                "AGENT_CONNECTED alice/a.main", "AGENT_CONNECTED bob/b.main",
                "TASK_COMPLETION alice/a.main", "TASK_FAILURE bob/b.main", "TASK_COMPLETION alice/a.main",
                "TASK_FAILURE alice/a.main");
        assertThat(duplicates[0]).isZero();
    }

    private static int count(List<String> received) {
        synchronized (received) {
            return received.size();
        }
    }
}
