package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.CommittedCollector;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 7's fault scenarios against the real apps as processes. Each scenario drives its own fleet, injects its
 * fault, and compares what every transport delivered with the oracle: zero missing, zero false, zero duplicates
 * (exactly-once path: {@code fleet.events} read_committed and resumed subscriptions). Each leaves the stack healthy.
 */
@ExtendWith(Suite.Shared.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosIT {

    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    private static Suite suite;
    private static Stack stack;

    @BeforeAll
    static void shareTheStack(Suite shared) {
        suite = shared;
        stack = shared.stack();
    }

    @Test
    @Order(1)
    @Timeout(180)
    void shouldDeliverEveryEventExactlyOnceWhenTheProcessorIsKilledMidStreamAndRestarted() {
        ScriptedFleet fleet = new ScriptedFleet(stack.coder(), "s1-processor-kill");
        List<String> agents = fleet.create(20);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 5, true)) {
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

    private static List<Collector> withCommitted(List<Collector> collectors) {
        List<Collector> all = new ArrayList<>(collectors);
        all.add(suite.committed());
        return all;
    }

    private static void assertExact(ScriptedFleet fleet, List<? extends Collector> collectors) {
        for (Collector c : collectors) {
            assertThat(Tally.of(fleet, c.received())).as(c.transport())
                    .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
        }
    }

    static CommittedCollector committed() {
        return suite.committed();
    }
}
