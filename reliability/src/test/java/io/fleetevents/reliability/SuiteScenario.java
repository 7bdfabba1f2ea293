package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scenario class of the suite: it runs on the one shared {@link Stack} (and its {@code read_committed} reader and
 * result table), started by the first such class and closed when the test run ends ({@link Suite}). Every scenario
 * leaves the stack running and healthy for the next, and its fleet deleted: fleets made with {@link #fleet} are
 * retired after each test, so every poll cycle of a later scenario lists only the workspaces it works with.
 */
@ExtendWith(Suite.Shared.class)
abstract class SuiteScenario {

    /** How long retiring a test's fleets may take: a poll cycle over them, and the processor's commit after it. */
    private static final Duration RETIRE = Duration.ofSeconds(60);

    /** The shared suite: the stack, the {@code read_committed} reader, the result table. */
    static Suite suite;
    /** The shared stack of processes. */
    static Stack stack;

    private static final List<ScriptedFleet> fleets = new ArrayList<>();

    @BeforeAll
    static void shareTheStack(Suite shared) {
        suite = shared;
        stack = shared.stack();
    }

    /** A fleet of the shared stack's coder-sim, owned by {@code owner}, retired when the test ends. */
    static ScriptedFleet fleet(String owner) {
        return fleet(owner, false);
    }

    /** As {@link #fleet(String)}; with {@code tasks}, every workspace also has a Coder Task. */
    static ScriptedFleet fleet(String owner, boolean tasks) {
        ScriptedFleet fleet = new ScriptedFleet(stack.coder(), owner, tasks);
        fleets.add(fleet);
        return fleet;
    }

    /**
     * Deletes the test's fleets and waits until the poller has seen them gone and the processor has committed what it
     * derived from that, so no event about them is still in flight when the next scenario starts counting.
     */
    @AfterEach
    void retireFleets() {
        if (fleets.isEmpty()) {
            return;
        }
        try {
            fleets.forEach(ScriptedFleet::retire);
            Barriers.pollerObserved(stack.poller(), RETIRE);
            Barriers.processorCaughtUp(stack.bootstrapServers(), RETIRE);
        } finally {
            fleets.clear();
        }
    }

    /** The collectors plus the suite's {@code read_committed} reader. */
    static List<Collector> withCommitted(List<Collector> collectors) {
        List<Collector> all = new ArrayList<>(collectors);
        all.add(suite.committed());
        return all;
    }

    /** Every collector received exactly the fleet's expected events: none missing, duplicated or false. */
    static void assertExact(ScriptedFleet fleet, List<? extends Collector> collectors) {
        for (Collector c : collectors) {
            assertThat(Tally.of(fleet, c.received())).as(c.transport())
                    .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
        }
    }
}
