package io.fleetevents.poller.app;

import io.fleetevents.poller.coder.HttpCoderClient;
import io.fleetevents.poller.cycle.CycleOutcome;
import io.fleetevents.poller.cycle.OptionalReads;
import io.fleetevents.poller.cycle.PollLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The poller's Micrometer metrics (Prometheus names in brackets):
 * <ul>
 *   <li>{@code poller.cycle.duration} timer, tag {@code outcome} = complete|failed [{@code poller_cycle_duration_seconds}]</li>
 *   <li>{@code poller.cycles} counter, tags {@code outcome}, {@code reason} [{@code poller_cycles_total}]</li>
 *   <li>{@code poller.workspaces}, {@code poller.agents} gauges: seen by the last complete cycle</li>
 *   <li>{@code poller.records} counter, tag {@code kind} = snapshot|marker: records acknowledged</li>
 *   <li>{@code poller.snapshots.skipped} counter: unchanged observations not written</li>
 *   <li>{@code poller.bytes} counter: serialised bytes written (before compression)</li>
 *   <li>{@code poller.coder.requests} counter, tags {@code endpoint}, {@code status}</li>
 *   <li>{@code poller.coder.retries} counter, tags {@code endpoint}, {@code reason}</li>
 *   <li>{@code poller.coder.rate.limited} counter: 429 answers</li>
 *   <li>{@code poller.optional.read.failures} counter, tag {@code read} = tasks: optional reads that failed (the
 *       cycle went on, snapshots marked {@code task_unknown})</li>
 *   <li>{@code poller.consecutive.failures} gauge, {@code poller.last.success} gauge (epoch seconds)</li>
 * </ul>
 */
public final class PollerMetrics implements HttpCoderClient.Listener, OptionalReads.Listener, PollLoop.Listener {

    private final MeterRegistry registry;
    private final AtomicLong workspaces = new AtomicLong();
    private final AtomicLong agents = new AtomicLong();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();

    public PollerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("poller.workspaces", workspaces, AtomicLong::get)
                .description("Workspaces seen by the last complete cycle").register(registry);
        Gauge.builder("poller.agents", agents, AtomicLong::get)
                .description("Agents (and agent-less workspaces) seen by the last complete cycle").register(registry);
        Gauge.builder("poller.consecutive.failures", consecutiveFailures, AtomicLong::get)
                .description("Failed cycles since the last complete one").register(registry);
        Gauge.builder("poller.last.success", lastSuccessEpochSeconds, AtomicLong::get)
                .description("End of the last complete cycle, epoch seconds").baseUnit("seconds").register(registry);
    }

    /** Records a cycle's outcome. */
    public void cycle(CycleOutcome outcome, Instant now) {
        String result = outcome.complete() ? "complete" : "failed";
        Timer.builder("poller.cycle.duration").tag("outcome", result).description("Poll cycle wall time")
                .register(registry).record(outcome.elapsed());
        Counter.builder("poller.cycles").tag("outcome", result)
                .tag("reason", outcome.reason() == null ? "none" : outcome.reason())
                .description("Poll cycles").register(registry).increment();
        Counter.builder("poller.records").tag("kind", "snapshot").description("Records acknowledged by Kafka")
                .register(registry).increment(outcome.snapshots());
        Counter.builder("poller.records").tag("kind", "marker").description("Records acknowledged by Kafka")
                .register(registry).increment(outcome.markers());
        Counter.builder("poller.snapshots.skipped").description("Unchanged observations not written")
                .register(registry).increment(outcome.skipped());
        Counter.builder("poller.snapshots.rejected").description("Snapshots Kafka refused as too large")
                .register(registry).increment(outcome.rejected());
        Counter.builder("poller.bytes").description("Serialised bytes written before compression").baseUnit("bytes")
                .register(registry).increment(outcome.bytes());
        if (outcome.complete()) {
            workspaces.set(outcome.workspaces());
            agents.set(outcome.agents());
            consecutiveFailures.set(0);
            lastSuccessEpochSeconds.set(now.getEpochSecond());
        } else {
            consecutiveFailures.incrementAndGet();
        }
    }

    @Override
    public void onResponse(String endpoint, int status) {
        Counter.builder("poller.coder.requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .description("Coder API responses (status 0: no response)").register(registry).increment();
    }

    @Override
    public void onRetry(String endpoint, String reason) {
        Counter.builder("poller.coder.retries").tag("endpoint", endpoint).tag("reason", reason)
                .description("Coder API calls retried after a transient failure").register(registry).increment();
    }

    @Override
    public void failed(String read) {
        Counter.builder("poller.optional.read.failures").tag("read", read)
                .description("Optional Coder reads that failed; the cycle went on without them").register(registry)
                .increment();
    }

    @Override
    public void onRateLimited(Duration retryAfter) {
        Counter.builder("poller.coder.rate.limited").description("429 answers from Coder").register(registry)
                .increment();
    }
}
