package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.Received;
import io.fleetevents.reliability.collect.StompCollector;
import io.fleetevents.reliability.collect.StompFrame;
import io.fleetevents.reliability.collect.SlowStompClient;
import io.fleetevents.reliability.harness.TcpProxy;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The fault scenarios against the real apps as processes. Each scenario drives its own fleet, injects its
 * fault, and compares what every transport delivered with the oracle: zero missing, zero false, zero duplicates
 * (exactly-once path: {@code fleet.events} read_committed and resumed subscriptions). Each leaves the stack healthy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosIT extends SuiteScenario {

    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(90);
    private static final int BURST = 1_000;
    private static final Duration START = Duration.ofSeconds(150);
    private static final int SLOW_FLEET = 200;
    /** Subscriptions of the slow client, all with the same filter: each event costs its connection that many frames. */
    private static final int SLOW_SUBSCRIPTIONS = 4;
    private static final int RESTART_SUBSCRIBERS = 100;
    private static final Duration NETWORK_CUT = Duration.ofSeconds(20);
    private static final Duration BROKER_DOWN = Duration.ofSeconds(30);
    private static final Duration SERVER_ERRORS = Duration.ofSeconds(60);
    private static final int SLOW_BYTES_PER_SECOND = 16_384;
    private static final String SLOW_DROPS = "fleet_broadcaster_slow_consumer_drops_total";

    @Test
    @Order(1)
    @Timeout(180)
    void shouldDeliverEveryEventExactlyOnceWhenTheProcessorIsKilledMidStreamAndRestarted() {
        ScriptedFleet fleet = fleet("s1-processor-kill");
        List<String> agents = fleet.create(20);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 5, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), POLL);

            agents.forEach(a -> fleet.lifeStep(a, 2));
            int before = Tally.of(fleet, suite.committed().received()).delivered();
            stack.processor().kill();
            int atKill = Tally.of(fleet, suite.committed().received()).delivered();
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 3));
            Barriers.pollerObserved(stack.poller(), POLL);
            long restart = System.nanoTime();
            stack.processor().start();
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - restart);
            stack.processor().awaitHealthy(DELIVERY);
            Barriers.watch(Duration.ofSeconds(3));

            subscribers.report(suite.table(), "1 processor SIGKILL mid-stream", fleet, suite.committed(), recovery,
                    "SIGKILL with " + atKill + " of " + fleet.expectedCount() + " committed (" + before
                            + " just before); 3rd round made while down");
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(2)
    @Timeout(180)
    void shouldNeverReportAVanishFromTheCycleOfAPollerKilledMidCycle() {
        // owner sorts first, so this fleet fills the first page of Coder's list (pages of 10)
        ScriptedFleet fleet = fleet("a05-poller-kill");
        List<String> agents = fleet.create(16);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            long disconnectsBefore = count(Tally.filter(fleet, suite.committed().received()), "AGENT_DISCONNECTED");

            stack.poller().kill();
            // every page after the first fails: the restarted poller writes page one's snapshots, never a marker
            stack.coder().fault("SERVER_ERROR", 1_000_000, "/api/v2/workspaces", 10);
            agents.subList(0, 3).forEach(fleet::disconnect);
            fleet.delete(agents.get(5));
            fleet.delete(agents.get(6));
            stack.poller().start().awaitLogLine("Started PollerApplication", POLL.multipliedBy(3));
            await("a partial cycle: snapshots written, cycle failed").atMost(POLL).ignoreExceptions()
                    .until(() -> Prometheus.sum(stack.poller(), "poller_records_total", "kind=\"snapshot\"") >= 10
                            && Prometheus.sum(stack.poller(), "poller_cycles_total", "outcome=\"failed\"") >= 1);
            stack.poller().kill();
            // the partial cycle's snapshots are real news (three disconnects) ...
            await("disconnects from the partial cycle").atMost(DELIVERY).until(() ->
                    count(Tally.filter(fleet, suite.committed().received()), "AGENT_FAILURE") == 3);
            Barriers.watch(Duration.ofSeconds(2));
            // ... but nothing vanished: no marker, no conclusion about absence
            assertThat(count(Tally.filter(fleet, suite.committed().received()), "AGENT_DISCONNECTED"))
                    .as("vanish without a marker")
                    .isEqualTo(disconnectsBefore);

            stack.coder().clearFaults();
            long restart = System.nanoTime();
            stack.poller().start();
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - restart);
            stack.poller().awaitHealthy(POLL);
            Barriers.watch(Duration.ofSeconds(2));

            subscribers.report(suite.table(), "5 poller SIGKILL mid-cycle", fleet, suite.committed(), recovery,
                    "partial cycle (page 1 of 3 written, no marker) then SIGKILL; 0 vanish until a complete cycle");
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(3)
    @Timeout(240)
    void shouldReportNoFalseEventsWhileCoderAnswers500sThen429sThenGarbageAndCatchUpAfter() throws Exception {
        ScriptedFleet fleet = fleet("s4-coder-outage");
        List<String> agents = fleet.create(10);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            int deliveredBefore = Tally.of(fleet, suite.committed().received()).delivered();

            // every phase fails all of Coder: its reads, and its watches and build stream (ended at each injection)
            stack.coder().fault("SERVER_ERROR", 1_000_000, "/api/", 0);
            long errorsFrom = System.nanoTime();
            // 500s for 60 s (a minute-long Coder outage), and at least until health reports the outage
            await("poller health reports the outage").atMost(SERVER_ERRORS.plus(POLL)).ignoreExceptions()
                    .until(() -> stack.poller().health().statusCode() == 503
                            && System.nanoTime() - errorsFrom >= SERVER_ERRORS.toNanos());
            double rateLimited = Prometheus.sum(stack.poller(), "poller_coder_rate_limited_total");
            stack.coder().clearFaults();
            stack.coder().fault("RATE_LIMITED", 1_000_000, "/api/", 0);
            await("429s answered").atMost(POLL).ignoreExceptions()
                    .until(() -> Prometheus.sum(stack.poller(), "poller_coder_rate_limited_total") >= rateLimited + 2);
            double protocol = Prometheus.sum(stack.poller(), "poller_cycles_total", "reason=\"protocol\"");
            stack.coder().clearFaults();
            stack.coder().fault("GARBAGE", 1_000_000, "/api/", 0);
            await("garbage bodies fail cycles").atMost(POLL).ignoreExceptions()
                    .until(() -> Prometheus.sum(stack.poller(), "poller_cycles_total", "reason=\"protocol\"")
                            >= protocol + 1);
            // changes made during the outage's last phase: a switch between two fault kinds is a clear + inject,
            // and a cycle landing in that gap would (rightly) report them early
            agents.subList(0, 3).forEach(fleet::disconnect);
            fleet.delete(agents.get(9));
            await("more garbage cycles after the changes").atMost(POLL).ignoreExceptions()
                    .until(() -> Prometheus.sum(stack.poller(), "poller_cycles_total", "reason=\"protocol\"")
                            >= protocol + 3);
            assertThat(stack.poller().health().statusCode()).as("health during the outage").isEqualTo(503);
            assertThat(Tally.of(fleet, suite.committed().received()).delivered()).as("nothing derived from an outage")
                    .isEqualTo(deliveredBefore);

            stack.coder().clearFaults();
            long end = System.nanoTime();
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - end);
            stack.poller().awaitHealthy(POLL);
            Barriers.watch(Duration.ofSeconds(2));

            subscribers.report(suite.table(), "4 Coder 500s → 429s → garbage", fleet, suite.committed(), recovery,
                    "500s for " + SERVER_ERRORS.toSeconds() + " s, then 429s, then garbage; health 503 during the outage; "
                            + "3 disconnects + 1 delete made during it, reported after");
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(4)
    @Timeout(240)
    void shouldLetAHundredSubscribersResumeWithoutLossOrDuplicateWhenTheBroadcasterIsKilledAndRestarted() {
        ScriptedFleet fleet = fleet("s2-broadcaster-restart");
        List<String> agents = fleet.create(10);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), RESTART_SUBSCRIBERS, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, subscribers.all(), DELIVERY);

            stack.broadcaster().kill();
            agents.forEach(a -> fleet.lifeStep(a, 2));
            Barriers.pollerObserved(stack.poller(), POLL);
            long restart = System.nanoTime();
            stack.broadcaster().start().awaitHealthy(DELIVERY);
            agents.forEach(a -> fleet.lifeStep(a, 3));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - restart);
            Barriers.watch(Duration.ofSeconds(2));

            int reconnected = (int) subscribers.stomp.stream().filter(c -> c.connects() >= 2).count();
            subscribers.report(suite.table(), "2 broadcaster SIGKILL + restart", fleet, suite.committed(), recovery,
                    reconnected + " of " + RESTART_SUBSCRIBERS + " STOMP subscribers resumed with their token; round 2 made while down");
            assertThat(reconnected).isEqualTo(RESTART_SUBSCRIBERS);
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(5)
    @Timeout(180)
    void shouldLetASubscriberWhoseNetworkIsCutResumeWithoutLoss() throws Exception {
        ScriptedFleet fleet = fleet("s6-network-cut");
        List<String> agents = fleet.create(10);
        try (TcpProxy proxy = new TcpProxy(stack.broadcasterPort());
             Subscribers subscribers = Subscribers.open(fleet, proxy.port(), 3, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, subscribers.all(), DELIVERY);

            proxy.cut();
            long cut = System.nanoTime();
            agents.forEach(a -> fleet.lifeStep(a, 2));
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 3));
            Barriers.pollerObserved(stack.poller(), POLL);
            await("committed while cut").atMost(DELIVERY)
                    .until(() -> Tally.of(fleet, suite.committed().received()).complete());
            // keep the link down for at least NETWORK_CUT: long enough for any buffered frame to be lost with it
            await("link down " + NETWORK_CUT.toSeconds() + " s").pollDelay(Duration.ofMillis(500)).atMost(DELIVERY)
                    .until(() -> System.nanoTime() - cut >= NETWORK_CUT.toNanos());
            Duration cutFor = Duration.ofNanos(System.nanoTime() - cut);
            proxy.restore();
            long restored = System.nanoTime();
            Barriers.allDelivered(fleet, subscribers.all(), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
            Barriers.watch(Duration.ofSeconds(2));

            subscribers.report(suite.table(), "6 subscriber network cut", fleet, suite.committed(), recovery,
                    String.format("links reset and refused for %.1f s while 2 rounds of events flowed", 
                            cutFor.toMillis() / 1000.0));
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(6)
    @Timeout(420)
    void shouldDropASlowAndAStuckSubscriberWithoutSlowingTheOthers() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + stack.broadcasterPort() + "/api/events/subscribe");
        double dropsBefore = Prometheus.sum(stack.broadcaster(), SLOW_DROPS);

        // baseline: the same rounds, the same number of healthy subscribers, nobody stuck
        ScriptedFleet baseline = fleet("s7a-nobody-stuck");
        Latencies before;
        try (Subscribers others = Subscribers.open(baseline, stack.broadcasterPort(), 5, false, stack.broadcaster())) {
            List<String> agents = baseline.create(SLOW_FLEET);
            Barriers.pollerObserved(stack.poller(), POLL);
            for (int round = 1; round <= 3; round++) {
                int r = round;
                agents.forEach(a -> baseline.lifeStep(a, r));
                Barriers.pollerObserved(stack.poller(), POLL);
            }
            Barriers.allDelivered(baseline, withCommitted(others.all()), DELIVERY);
            before = Latencies.of(baseline, suite.committed(), others.stomp);
            assertExact(baseline, withCommitted(others.all()));
        }

        ScriptedFleet fleet = fleet("s7b-slow-and-stuck");
        Map<String, String> filter = Map.of("agent-ids", fleet.agentPattern(), "event-types", Subscribers.AGENT_TYPES);
        try (SlowStompClient slow = SlowStompClient.subscribe(ws, Stack.ADMIN_TOKEN, filter, SLOW_BYTES_PER_SECOND,
                     SLOW_SUBSCRIPTIONS);
             SlowStompClient stuck = SlowStompClient.subscribe(ws, Stack.ADMIN_TOKEN, filter, 0, 1);
             Subscribers others = Subscribers.open(fleet, stack.broadcasterPort(), 5, false, stack.broadcaster())) {
            List<String> agents = fleet.create(SLOW_FLEET);
            Barriers.pollerObserved(stack.poller(), POLL);
            // rounds until both were dropped (the slow one when its queue passes the buffer, the stuck one when a
            // write has waited for the send timeout), then one more
            int round = 1;
            while (Prometheus.sum(stack.broadcaster(), SLOW_DROPS) < dropsBefore + 2 && round <= 12) {
                int r = round++;
                agents.forEach(a -> fleet.lifeStep(a, r));
                Barriers.pollerObserved(stack.poller(), POLL);
                Barriers.allDelivered(fleet, List.of(suite.committed()), DELIVERY);
            }
            await("the slow and the stuck subscriber dropped").atMost(POLL)
                    .until(() -> Prometheus.sum(stack.broadcaster(), SLOW_DROPS) >= dropsBefore + 2);
            int last = round;
            agents.forEach(a -> fleet.lifeStep(a, last));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(others.all()), DELIVERY);
            Latencies during = Latencies.of(fleet, suite.committed(), others.stomp);

            // the slow one reads on at full speed: its MESSAGEs, then the ERROR telling it where to resume
            List<StompFrame> slowFrames = slow.drain(Duration.ofSeconds(30));
            StompFrame error = slowFrames.stream().filter(f -> f.command().equals("ERROR")).findFirst().orElse(null);
            assertThat(error).as("ERROR frame to the slow subscriber after " + slowFrames.size() + " frames").isNotNull();
            assertThat(error.header("message")).contains("slow consumer");
            assertThat(error.header("resume-token")).as("resume token in the ERROR").isNotBlank();
            // one token per subscription: resume subscription 0 from its own
            String slowToken = java.util.Arrays.stream(error.header("resume-tokens").split(","))
                    .filter(t -> t.startsWith("0=")).map(t -> t.substring(2)).findFirst().orElse(null);
            assertThat(slow.closedByServer()).as("slow connection closed after the ERROR").isTrue();
            // the stuck one never reads an ERROR (it reads nothing): it resumes from its last MESSAGE's token
            List<StompFrame> stuckFrames = stuck.drain(Duration.ofSeconds(30));
            assertThat(stuck.closedByServer()).as("stuck connection closed by the server").isTrue();
            String stuckToken = messageFrames(stuckFrames).reduce((a, b) -> b).map(f -> f.header("resume-token"))
                    .orElse(null);

            long resumeStart = System.nanoTime();
            try (Collector slowResumed = resumed(ws, filter, slowFrames, slowToken, "slow");
                 Collector stuckResumed = resumed(ws, filter, stuckFrames, stuckToken, "stuck")) {
                Barriers.allDelivered(fleet, List.of(slowResumed, stuckResumed), DELIVERY);
                Duration recovery = Duration.ofNanos(System.nanoTime() - resumeStart);
                Barriers.watch(Duration.ofSeconds(2));

                String note = String.format("slow reader (%d B/s, %d subscriptions) dropped with ERROR + token after %d of %d events, "
                                + "stuck one (reads nothing) closed by the send timeout after %d; both resumed. "
                                + "Others' latency p50/p99 %s without vs %s with them (p99 ×%.2f)",
                        SLOW_BYTES_PER_SECOND, SLOW_SUBSCRIPTIONS, messages(slowFrames).size(), fleet.expectedCount(),
                        messages(stuckFrames).size(), before, during,
                        during.p99Millis() / Math.max(1.0, before.p99Millis()));
                String scenario = "7 slow + stuck subscriber dropped, others unaffected";
                others.report(suite.table(), scenario, fleet, suite.committed(), null, note);
                for (Collector c : List.of(slowResumed, stuckResumed)) {
                    suite.table().add(scenario, c.transport(), Tally.of(fleet, c.received()), recovery, null);
                }
                assertExact(fleet, withCommitted(others.all()));
                assertExact(fleet, List.of(slowResumed, stuckResumed));
                // a fan-out that waited for them would hold the others for the send timeout (10 s) or longer
                assertThat(during.p99Millis()).as("others' p99 latency with a slow and a stuck subscriber (ms); " + note)
                        .isLessThan(5_000);
            }
        }
    }

    /** The MESSAGE frames of subscription 0 (the one that resumes). */
    private static java.util.stream.Stream<StompFrame> messageFrames(List<StompFrame> frames) {
        return frames.stream().filter(f -> f.command().equals("MESSAGE") && "0".equals(f.header("subscription")));
    }

    /** The MESSAGEs of subscription 0, as deliveries. */
    private static List<Received> messages(List<StompFrame> frames) {
        return messageFrames(frames).map(f -> Received.fromJson(f.body())).toList();
    }

    /** What a dropped client received before the drop, plus a new subscription resuming from {@code token}. */
    private static Collector resumed(URI ws, Map<String, String> filter, List<StompFrame> beforeDrop, String token,
                                     String name) {
        assertThat(token).as(name + " subscriber's resume token").isNotBlank();
        Map<String, String> resume = new java.util.LinkedHashMap<>(filter);
        resume.put("resume-token", token);
        StompCollector resumed = new StompCollector(ws, Stack.ADMIN_TOKEN, resume);
        List<Received> first = messages(beforeDrop);
        return new Collector() {
            @Override
            public String transport() {
                return name + " stomp: before the drop + resumed";
            }

            @Override
            public List<Received> received() {
                List<Received> all = new ArrayList<>(first);
                all.addAll(resumed.received());
                return all;
            }

            @Override
            public void close() {
                resumed.close();
            }
        };
    }

    @Test
    @Order(7)
    @Timeout(300)
    void shouldDeliverEveryEventOnceInABurstOfMassDisconnects() {
        ScriptedFleet fleet = fleet("s8-burst");
        List<String> agents = fleet.create(BURST);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 5, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);

            long burst = System.nanoTime();
            agents.forEach(fleet::disconnect);
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(fleet::connect);
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration took = Duration.ofNanos(System.nanoTime() - burst);
            Barriers.watch(Duration.ofSeconds(2));

            subscribers.report(suite.table(), "8 burst: " + BURST + " agents disconnect at once, then reconnect",
                    fleet, suite.committed(), took, "recovery = burst start → last subscriber has all");
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(8)
    @Timeout(300)
    void shouldLoseAndDoubleNothingWhenOneOfTwoProcessorInstancesIsKilled() {
        ScriptedFleet fleet = fleet("s9-two-processors");
        List<String> agents = fleet.create(12);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            stack.secondProcessor().start().awaitHealthy(START);
            // the second instance has been given its share of the partitions
            stack.secondProcessor().awaitLogLine("State transition from REBALANCING to RUNNING", START);
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, List.of(suite.committed()), DELIVERY);

            stack.processor().kill();
            long kill = System.nanoTime();
            agents.forEach(a -> fleet.lifeStep(a, 2));
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 3));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);
            Duration recovery = Duration.ofNanos(System.nanoTime() - kill);

            // leave the stack as the other scenarios expect it: the first instance alone
            stack.processor().start().awaitHealthy(START);
            stack.secondProcessor().stop();
            Barriers.watch(Duration.ofSeconds(2));
            subscribers.report(suite.table(), "9 two processors, one SIGKILLed", fleet, suite.committed(), recovery,
                    "survivor took over after the 6 s session timeout; recovery = kill → all delivered");
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }

    @Test
    @Order(9)
    @Timeout(480)
    void shouldRecoverByThemselvesWhenTheKafkaBrokerIsStoppedAndRestarted() {
        ScriptedFleet fleet = fleet("s3-broker-restart");
        List<String> agents = fleet.create(10);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 3, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), POLL);
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), DELIVERY);

            double failedCycles = Prometheus.sum(stack.poller(), "poller_cycles_total", "outcome=\"failed\"");
            stack.kafka().stop();
            long stopped = System.nanoTime();
            agents.forEach(a -> fleet.lifeStep(a, 2));
            // down for at least BROKER_DOWN and until the poller has failed a cycle on it (no marker without Kafka):
            // a cycle that started just before the stop fails at its 60 s deadline (+ one 10 s producer block)
            await("a poll cycle failed on the missing broker").atMost(START).ignoreExceptions()
                    .until(() -> Prometheus.sum(stack.poller(), "poller_cycles_total", "outcome=\"failed\"")
                            > failedCycles && System.nanoTime() - stopped >= BROKER_DOWN.toNanos());
            Duration down = Duration.ofNanos(System.nanoTime() - stopped);
            long restart = System.nanoTime();
            stack.kafka().start().awaitLogLine("KAFKA_READY", START);
            Barriers.pollerObserved(stack.poller(), START);
            agents.forEach(a -> fleet.lifeStep(a, 3));
            Barriers.pollerObserved(stack.poller(), POLL);
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), START);
            Duration recovery = Duration.ofNanos(System.nanoTime() - restart);
            stack.awaitAllHealthy();
            Barriers.watch(Duration.ofSeconds(2));

            subscribers.report(suite.table(), "3 Kafka broker stopped and restarted", fleet, suite.committed(),
                    recovery, String.format("broker down %.0f s (SIGTERM; poller cycles failed meanwhile); no app restarted",
                            down.toMillis() / 1000.0));
            assertExact(fleet, withCommitted(subscribers.all()));
        }
    }



    private static long count(List<Received> received, String type) {
        return received.stream().filter(r -> r.eventType().equals(type)).count();
    }
}
