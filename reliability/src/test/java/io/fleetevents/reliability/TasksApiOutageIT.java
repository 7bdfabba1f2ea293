package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.TopicScan;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coder's Tasks API answers 500 on both paths for a while ({@code -Dreliability.tasks-outage-seconds}, default 40;
 * 600 for the ten-minute run) on the live stack. The poll cycles must go on: every agent's snapshot written with
 * {@code task_unknown}, markers written, and every task turn made during the outage delivered during it; the poller
 * stays UP with the reason in its health details and counts each failed read in
 * {@code poller_optional_read_failures_total{read="tasks"}}. After the outage the tasks are read again and nothing was
 * lost, doubled or invented.
 */
class TasksApiOutageIT extends SuiteScenario {

    static final String OUTAGE_PROPERTY = "reliability.tasks-outage-seconds";
    private static final Duration OUTAGE = outage();
    private static final int AGENTS = 20;
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    /** At most one round of task turns per this time: a steady pace, whatever the outage's length. */
    private static final Duration ROUND_EVERY = Duration.ofSeconds(5);
    private static final String FAILURES = "poller_optional_read_failures_total";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    @Timeout(900)
    void shouldKeepSnapshotsAndEventsFlowingForEveryAgentWhileTheTasksApiAnswers500s() throws Exception {
        ScriptedFleet fleet = fleet("f2-tasks-outage", true);
        List<String> agents = fleet.create(AGENTS);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            // one turn with the Tasks API readable, so the fleet's Tasks are known before the outage
            agents.forEach(fleet::completeTask);
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            assertThat(pollerDetails().has("degraded")).as("Tasks API degraded before the outage").isFalse();

            double failuresBefore = failures();
            long cyclesBefore = pollerDetails().path("cycles").asLong();
            Instant start = Instant.now();
            long startNanos = System.nanoTime();
            stack.coder().failTasksApi();
            await("poller health names the Tasks API outage").atMost(POLL).ignoreExceptions()
                    .until(() -> pollerDetails().path("degraded").asString("").startsWith("tasks"));
            int rounds = 0;
            int healthChecks = 0;
            while (System.nanoTime() - startNanos < OUTAGE.toNanos()) {
                long roundStart = System.nanoTime();
                int round = ++rounds;
                agents.forEach(a -> {
                    if (round % 2 == 1) {
                        fleet.failTask(a);
                    } else {
                        fleet.completeTask(a);
                    }
                });
                Barriers.pollerObserved(stack.poller(), POLL);
                Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
                assertUpAndDegraded();
                healthChecks++;
                await("next round").pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                        .atMost(ROUND_EVERY.plusSeconds(1))
                        .until(() -> System.nanoTime() - roundStart >= ROUND_EVERY.toNanos());
            }
            JsonNode healthAtEnd = JSON.readTree(stack.poller().health().body());
            long cyclesDuring = healthAtEnd.path("components").path("poller").path("details").path("cycles").asLong()
                    - cyclesBefore;
            double failuresDuring = failures() - failuresBefore;
            Instant end = Instant.now();
            Duration outage = Duration.ofNanos(System.nanoTime() - startNanos);
            int deliveredDuring = (int) Tally.filter(fleet, suite.committed().received()).stream()
                    .filter(r -> r.arrivedNanos() >= startNanos && r.arrivedNanos() - startNanos <= outage.toNanos())
                    .count();
            stack.coder().restoreTasksApi();

            await("poller health without the degraded Tasks API").atMost(POLL).ignoreExceptions()
                    .until(() -> !pollerDetails().has("degraded"));
            int last = rounds + 1;
            agents.forEach(a -> {
                if (last % 2 == 1) {
                    fleet.failTask(a);
                } else {
                    fleet.completeTask(a);
                }
            });
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Barriers.watch(Duration.ofSeconds(2));

            List<JsonNode> snapshots = TopicScan.values(stack.bootstrapServers(), "coder.agent-snapshots",
                    "\"" + fleet.owner() + "\"", v -> "agent_snapshot".equals(v.path("kind").asString())
                            && fleet.owner().equals(v.path("workspace").path("owner_name").asString()));
            List<JsonNode> unknown = snapshots.stream().filter(v -> v.path("task_unknown").asBoolean(false)
                    && between(v, start, end)).toList();
            Set<String> agentsUnknown = unknown.stream().map(v -> agentPath(fleet, v)).collect(Collectors.toSet());
            Set<String> agentsWithTaskAfter = snapshots.stream()
                    .filter(v -> v.path("task").isObject() && !instant(v).isBefore(end))
                    .map(v -> agentPath(fleet, v)).collect(Collectors.toSet());
            String degraded = healthAtEnd.path("components").path("poller").path("details").path("degraded").asString();
            String note = String.format("Tasks API 500s for %.0f s: %d complete cycles, %.0f failed Tasks reads counted, "
                            + "%d snapshots of %d agents with task_unknown, %d events delivered during it (%d rounds); "
                            + "health UP with the reason at %d checks",
                    outage.toMillis() / 1000.0, cyclesDuring, failuresDuring, unknown.size(), agentsUnknown.size(),
                    deliveredDuring, rounds, healthChecks);
            System.out.println("[reliability] Tasks API outage: " + note);
            System.out.println("[reliability] poller health at the end of the outage: "
                    + healthAtEnd.path("components").path("poller"));
            subscribers.report(suite.table(), String.format("11 Tasks API 500s for %d s", OUTAGE.toSeconds()), fleet,
                    suite.committed(), null, note);

            for (Collector c : withCommitted(subscribers.all())) {
                assertThat(Tally.of(fleet, c.received())).as(c.transport())
                        .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
            }
            assertThat(healthAtEnd.path("status").asString()).as("poller health").isEqualTo("UP");
            assertThat(degraded).as("health detail").startsWith("tasks API unavailable since").contains("500");
            assertThat(agentsUnknown).as("agents with a task_unknown snapshot during the outage")
                    .containsExactlyInAnyOrderElementsOf(agents);
            assertThat(agentsWithTaskAfter).as("agents whose Task is read again after it")
                    .containsExactlyInAnyOrderElementsOf(agents);
            assertThat(deliveredDuring).as("events delivered during the outage").isEqualTo(rounds * AGENTS);
            assertThat(cyclesDuring).as("complete cycles during the outage").isGreaterThanOrEqualTo(rounds);
            // a cycle reads the Tasks API once: a cycle that completed during the outage failed its read (one that
            // began just before the outage may have read it fine)
            assertThat(failuresDuring).as("failed Tasks reads counted").isGreaterThanOrEqualTo(cyclesDuring - 1.0);
        }
    }

    private void assertUpAndDegraded() throws Exception {
        var response = stack.poller().health();
        JsonNode health = JSON.readTree(response.body());
        assertThat(response.statusCode()).as("poller health during the Tasks API outage: " + response.body())
                .isEqualTo(200);
        assertThat(health.path("components").path("poller").path("details").path("degraded").asString())
                .as("poller health detail: " + response.body()).startsWith("tasks");
    }

    private static JsonNode pollerDetails() throws Exception {
        return JSON.readTree(stack.poller().health().body()).path("components").path("poller").path("details");
    }

    private static double failures() {
        return Prometheus.sum(stack.poller(), FAILURES, "read=\"tasks\"");
    }

    private static boolean between(JsonNode snapshot, Instant from, Instant to) {
        Instant at = instant(snapshot);
        return !at.isBefore(from) && !at.isAfter(to);
    }

    private static Instant instant(JsonNode snapshot) {
        return OffsetDateTime.parse(snapshot.path("observed_at").asString()).toInstant();
    }

    private static String agentPath(ScriptedFleet fleet, JsonNode snapshot) {
        return fleet.owner() + "/" + snapshot.path("workspace").path("name").asString() + "."
                + snapshot.path("agent").path("name").asString();
    }

    /** The outage's length from {@value #OUTAGE_PROPERTY} (seconds, 10–600; default 40). */
    private static Duration outage() {
        String value = System.getProperty(OUTAGE_PROPERTY, "40");
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds >= 10 && seconds <= 600) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below, naming the property
        }
        throw new IllegalArgumentException(OUTAGE_PROPERTY + " must be a number of seconds from 10 to 600, was '"
                + value + "'");
    }

}
