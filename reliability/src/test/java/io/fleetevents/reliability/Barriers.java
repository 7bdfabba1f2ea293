package io.fleetevents.reliability;

import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.harness.AppProcess;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bounded waits the scenarios synchronise on (never a sleep). */
final class Barriers {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Barriers() {
    }

    /**
     * Waits until the poller completed a cycle that started after now (its {@code poll_id} is the wall-clock start
     * of the cycle, and health reports the last complete one): every transition made before this call has been
     * written to Kafka with its cycle marker.
     */
    static void pollerObserved(AppProcess poller, Duration atMost) {
        long now = System.currentTimeMillis();
        await("a complete poll cycle after " + now).atMost(atMost).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> lastPollId(poller) > now);
    }

    static long lastPollId(AppProcess poller) throws Exception {
        JsonNode health = JSON.readTree(poller.health().body());
        return health.path("components").path("poller").path("details").path("last_poll_id").asLong(0);
    }

    /** Waits until every collector has every expected event of {@code fleet}; returns how long it took. */
    static Duration allDelivered(ScriptedFleet fleet, List<? extends Collector> collectors, Duration atMost) {
        long start = System.nanoTime();
        await("every expected event of " + fleet.owner() + " delivered").atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> collectors.stream().allMatch(c -> Tally.of(fleet, c.received()).complete()));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * An observation window for what must NOT arrive (late duplicates, false events): absence cannot be awaited,
     * only watched for a bounded time.
     */
    static void watch(Duration window) {
        await("observation window").pollDelay(window).atMost(window.plusSeconds(5)).until(() -> true);
    }
}
