package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.Received;
import io.fleetevents.reliability.collect.TopicScan;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * A coderd rolling restart on a 1,000-agent fleet, with the processor's default disconnect grace (45 s): every agent's
 * connection closes within 10 s and reopens 2–12 s later, and Coder keeps each {@code disconnected_at} until the
 * first ping after the reconnect. None of it may be reported. In the same run two agents go down for good — one
 * killed (its pings stop, its connection is never closed: Coder shows it {@code disconnected} only 30 s after its
 * last ping, with {@code disconnected_at} back-filled to that ping), one whose connection closes and never reopens —
 * and both must be reported as AGENT_FAILURE. Their detection time (kill or close → the event at a STOMP subscriber)
 * is measured and printed.
 */
class CoderdRestartIT extends SuiteScenario {

    private static final int FLEET = 1_000;
    private static final Duration SPREAD = Duration.ofSeconds(10);
    private static final Duration MIN_DOWN = Duration.ofSeconds(2);
    private static final Duration MAX_DOWN = Duration.ofSeconds(12);
    /**
     * The processor's default {@code fleet.processor.diff.disconnect-grace}: the suite runs its processors without a
     * grace, so this class restarts them with the default for its run and restores the suite's setting after.
     */
    private static final Duration GRACE = Duration.ofSeconds(45);
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(120);

    @BeforeAll
    static void processorsWithTheDefaultGrace() {
        stack.processorsWithDefaultGrace(true);
    }

    @AfterAll
    static void processorsWithTheSuitesGrace() {
        stack.processorsWithDefaultGrace(false);
    }

    @Test
    @Timeout(480)
    void shouldReportNoFailureForACoderdRollingRestartButReportTheAgentsThatReallyWentDown() {
        ScriptedFleet fleet = fleet("f1-coderd-restart");
        List<String> agents = fleet.create(FLEET);
        String killed = agents.get(FLEET / 3);
        String closed = agents.get(2 * FLEET / 3);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);

            long downNanos = System.nanoTime();
            Instant down = Instant.now();
            fleet.kill(killed);
            fleet.disconnect(closed);
            Instant restart = Instant.now();
            int restarted = stack.coder().coderdRestart(SPREAD, MIN_DOWN, MAX_DOWN);
            // every open connection, of this fleet (but the two already down) and of any other on the stack
            assertThat(restarted).as("agents whose connection the restart closes").isGreaterThanOrEqualTo(FLEET - 2);

            // the two real failures, at a subscriber
            await("both lasting disconnects reported").atMost(GRACE.plus(DELIVERY))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> arrival(subscribers.stomp.get(0), killed) != null
                            && arrival(subscribers.stomp.get(0), closed) != null);
            Duration killedDetection = Duration.ofNanos(arrival(subscribers.stomp.get(0), killed) - downNanos);
            Duration closedDetection = Duration.ofNanos(arrival(subscribers.stomp.get(0), closed) - downNanos);
            // every restarted agent's grace is over (last close + grace) and a cycle after it has been processed: a
            // false failure for any of them would have been written by now
            Barriers.pollerObservedAfter(stack.poller(), restart.plus(SPREAD).plus(GRACE).plusSeconds(1).toEpochMilli(),
                    GRACE.plus(SPREAD).plus(POLL));
            Barriers.processorCaughtUp(stack.bootstrapServers(), DELIVERY);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Barriers.watch(Duration.ofSeconds(2));

            List<JsonNode> snapshots = disconnectedSnapshots(fleet);
            Set<String> seenDown = snapshots.stream().filter(v -> !observedAt(v).isBefore(restart))
                    .map(v -> agentPath(fleet, v)).filter(a -> !a.equals(killed) && !a.equals(closed))
                    .collect(Collectors.toSet());
            List<JsonNode> failuresFromRestart = failuresDisconnectedSince(restart);
            // anything at all about the restarted agents (the creation's AGENT_CONNECTEDs were delivered before)
            long reportedFromRestart = Tally.filter(fleet, suite.committed().received()).stream()
                    .filter(r -> !r.path().equals(killed) && !r.path().equals(closed))
                    .filter(r -> r.arrivedNanos() > downNanos)
                    .map(Received::eventId).distinct().count();
            JsonNode killedEvent = failureOf(killed);
            JsonNode closedEvent = failureOf(closed);
            Instant lastPing = instant(killedEvent.path("timestamp").asString());
            // what the grace adds: from the first poll that saw the agent disconnected to the failure's observation
            Duration killedHeld = Duration.between(firstSeen(snapshots, fleet, killed),
                    observedAt(killedEvent));
            Duration closedHeld = Duration.between(firstSeen(snapshots, fleet, closed),
                    observedAt(closedEvent));
            String note = String.format("coderd restart (closes within %d s, down %d–%d s) disconnected %d agents, %d of "
                            + "this fleet seen disconnected by a poll, %d events about them (AGENT_FAILUREs fleet-wide with "
                            + "disconnected_at after the restart: %d); grace %d s. Killed agent (last ping %.1f s before "
                            + "the kill): at a subscriber %.1f s after the kill (%.1f s after disconnected_at; %.1f s of "
                            + "it the grace). Closed connection: %.1f s after the close (%.1f s of it the grace)",
                    SPREAD.toSeconds(), MIN_DOWN.toSeconds(), MAX_DOWN.toSeconds(), restarted, seenDown.size(),
                    reportedFromRestart, failuresFromRestart.size(), killedEvent.path("metadata").path("grace_seconds").asLong(),
                    seconds(Duration.between(lastPing, down)), seconds(killedDetection),
                    seconds(observedAfterTimestamp(killedEvent)), seconds(killedHeld), seconds(closedDetection),
                    seconds(closedHeld));
            System.out.println("[reliability] detection with the default grace: " + note);
            subscribers.report(suite.table(), "10 coderd rolling restart: " + FLEET + " agents, 1 killed, 1 closed",
                    fleet, suite.committed(), null, note);

            for (Collector c : withCommitted(subscribers.all())) {
                assertThat(Tally.of(fleet, c.received())).as(c.transport() + ": " + note)
                        .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
            }
            assertThat(reportedFromRestart).as("events about the restarted agents of this fleet").isZero();
            assertThat(failuresFromRestart).as("AGENT_FAILUREs caused by the restart, fleet-wide").isEmpty();
            // the restart was seen: many agents were caught disconnected by a poll (each is down 2–12 s; how many
            // depends on how long a cycle over the whole stack's fleet takes on the machine)
            assertThat(seenDown.size()).as("agents of this fleet the poller saw disconnected during the restart")
                    .isGreaterThan(FLEET / 5);
            assertThat(killedEvent.path("metadata").path("grace_seconds").asLong()).as("grace in effect")
                    .isEqualTo(GRACE.toSeconds());
            assertThat(observedAfterTimestamp(killedEvent)).as("killed agent reported after disconnected_at + grace")
                    .isGreaterThanOrEqualTo(GRACE);
            assertThat(observedAfterTimestamp(closedEvent)).as("closed agent reported after disconnected_at + grace")
                    .isGreaterThanOrEqualTo(GRACE);
        }
    }

    /** When the subscriber received the AGENT_FAILURE of {@code agent} ({@link System#nanoTime()}), or null. */
    private static Long arrival(Collector collector, String agent) {
        return collector.received().stream()
                .filter(r -> r.path().equals(agent) && r.eventType().equals("AGENT_FAILURE"))
                .map(Received::arrivedNanos).findFirst().orElse(null);
    }

    /** Every {@code disconnected} snapshot of the fleet's agents the poller wrote. */
    private static List<JsonNode> disconnectedSnapshots(ScriptedFleet fleet) {
        return TopicScan.values(stack.bootstrapServers(), "coder.agent-snapshots", "\"" + fleet.owner() + "\"",
                v -> "agent_snapshot".equals(v.path("kind").asString())
                        && fleet.owner().equals(v.path("workspace").path("owner_name").asString())
                        && "disconnected".equals(v.path("agent").path("status").asString()));
    }

    private static String agentPath(ScriptedFleet fleet, JsonNode snapshot) {
        return fleet.owner() + "/" + snapshot.path("workspace").path("name").asString() + "."
                + snapshot.path("agent").path("name").asString();
    }

    private static Instant observedAt(JsonNode value) {
        return instant(value.path("observed_at").asString());
    }

    /** When a poll first saw {@code agent} disconnected. */
    private static Instant firstSeen(List<JsonNode> disconnected, ScriptedFleet fleet, String agent) {
        return disconnected.stream().filter(v -> agent.equals(agentPath(fleet, v))).map(CoderdRestartIT::observedAt)
                .min(Instant::compareTo).orElseThrow(() -> new AssertionError("no disconnected snapshot of " + agent));
    }

    /** Every AGENT_FAILURE on {@code fleet.events}, of any fleet, for a disconnect that began at or after {@code since}. */
    private static List<JsonNode> failuresDisconnectedSince(Instant since) {
        return TopicScan.values(stack.bootstrapServers(), "fleet.events", "AGENT_FAILURE", v ->
                "AGENT_FAILURE".equals(v.path("event_type").asString())
                        && v.path("metadata").path("disconnected_at").isString()
                        && !instant(v.path("metadata").path("disconnected_at").asString()).isBefore(since));
    }

    private static JsonNode failureOf(String agent) {
        List<JsonNode> events = TopicScan.values(stack.bootstrapServers(), "fleet.events", "\"" + agent + "\"",
                v -> agent.equals(v.path("agent").path("path").asString())
                        && "AGENT_FAILURE".equals(v.path("event_type").asString()));
        assertThat(events).as("AGENT_FAILURE of " + agent + " on fleet.events").hasSize(1);
        return events.get(0);
    }

    /** How long after Coder's {@code disconnected_at} (the event's timestamp) the processor observed the failure. */
    private static Duration observedAfterTimestamp(JsonNode event) {
        return Duration.between(instant(event.path("timestamp").asString()),
                instant(event.path("observed_at").asString()));
    }

    /** Coder's RFC 3339 timestamps (any offset, any fraction). */
    private static Instant instant(String rfc3339) {
        return java.time.OffsetDateTime.parse(rfc3339).toInstant();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

}
