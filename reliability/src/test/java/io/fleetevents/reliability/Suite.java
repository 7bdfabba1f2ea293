package io.fleetevents.reliability;

import io.fleetevents.reliability.collect.CommittedCollector;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ResultTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One stack, one {@code read_committed} reader and one result table for the whole test JVM: starting five JVMs
 * costs more than most scenarios, so every scenario class shares them (JUnit's root store closes the suite — and
 * writes the table — when the run ends).
 */
final class Suite implements AutoCloseable {

    static final Path REPO = Path.of(System.getProperty("reliability.repo", "..")).toAbsolutePath().normalize();
    static final Path OUT = Path.of(System.getProperty("reliability.out", "target")).toAbsolutePath().normalize();

    private final long startedNanos = System.nanoTime();
    private final Stack stack;
    private final CommittedCollector committed;
    private final ResultTable table = new ResultTable();

    private Suite(Stack stack) {
        this.stack = stack;
        this.committed = new CommittedCollector(stack.bootstrapServers(), "fleet.events");
    }

    Stack stack() {
        return stack;
    }

    CommittedCollector committed() {
        return committed;
    }

    ResultTable table() {
        return table;
    }

    @Override
    public void close() {
        table.write(OUT.resolve("reliability-table.md"), Duration.ofNanos(System.nanoTime() - startedNanos));
        committed.close();
        stack.close();
    }

    /** Extension that makes the shared suite available to a scenario class ({@code Suite.get(context)}). */
    static final class Shared implements BeforeAllCallback, ParameterResolver {

        @Override
        public void beforeAll(ExtensionContext context) {
            get(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Suite.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return get(context);
        }

        static Suite get(ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .computeIfAbsent(Suite.class, k -> {
                        try {
                            return new Suite(Stack.start(REPO, OUT));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, Suite.class);
        }
    }
}
