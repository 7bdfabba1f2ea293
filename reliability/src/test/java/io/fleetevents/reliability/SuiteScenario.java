package io.fleetevents.reliability;

import io.fleetevents.reliability.harness.Stack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scenario class of the suite: it runs on the one shared {@link Stack} (and its {@code read_committed} reader and
 * result table), started by the first such class and closed when the test run ends ({@link Suite}). Every scenario
 * leaves the stack running and healthy for the next.
 */
@ExtendWith(Suite.Shared.class)
abstract class SuiteScenario {

    /** The shared suite: the stack, the {@code read_committed} reader, the result table. */
    static Suite suite;
    /** The shared stack of processes. */
    static Stack stack;

    @BeforeAll
    static void shareTheStack(Suite shared) {
        suite = shared;
        stack = shared.stack();
    }
}
