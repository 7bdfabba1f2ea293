package io.fleetevents.poller.app;

import io.fleetevents.poller.coder.HttpCoderClient;
import io.fleetevents.poller.cycle.CycleOutcome;
import io.fleetevents.poller.cycle.OptionalReads;
import io.fleetevents.poller.cycle.PollLoop;
import io.fleetevents.poller.watch.PushListener;
import io.fleetevents.poller.watch.PushSources;
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
 *   <li>{@code poller.watch.watched}, {@code poller.watch.held}, {@code poller.watch.fallen.back} gauges; and
 *       {@code poller.build.stream.open} (1/0)</li>
 *   <li>{@code poller.push.events} counter, tags {@code source} (watch|build-stream), {@code type}
 *       (ping|data|error)</li>
 *   <li>{@code poller.push.closed} counter, tags {@code source}, {@code status}: streams that ended or failed to
 *       open</li>
 *   <li>{@code poller.push.fallbacks} counter: watches that could not be held and left their workspace to polling</li>
 *   <li>{@code poller.push.snapshots} counter, tag {@code source} (watch|build-stream|webhook): snapshots handed to
 *       Kafka from pushed views</li>
 *   <li>{@code poller.push.malformed} counter, tag {@code source}: frames or bodies that were not what Coder sends</li>
 *   <li>{@code poller.push.reads} counter, tags {@code source}, {@code outcome} (ok|failed|dropped): immediate
 *       reads</li>
 * </ul>
 */
public final class PollerMetrics implements HttpCoderClient.Listener, OptionalReads.Listener, PollLoop.Listener,
        PushListener {

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

    /** Registers the gauges of the push paths. */
    public void watch(PushSources push) {
        Gauge.builder("poller.watch.watched", push, PushSources::watched)
                .description("Workspaces chosen for a watch").register(registry);
        Gauge.builder("poller.watch.held", push, PushSources::held)
                .description("Watches open and delivering").register(registry);
        Gauge.builder("poller.watch.fallen.back", push, PushSources::fallenBack)
                .description("Watches that cannot be held; their workspaces are polled only").register(registry);
        Gauge.builder("poller.build.stream.open", push, p -> p.buildStreamOpen() ? 1 : 0)
                .description("Whether Coder's build stream is open").register(registry);
    }

    @Override
    public void streamEvent(String source, String type) {
        Counter.builder("poller.push.events").tag("source", source).tag("type", type)
                .description("Events received on Coder's streams").register(registry).increment();
    }

    @Override
    public void streamClosed(String source, int status) {
        Counter.builder("poller.push.closed").tag("source", source).tag("status", Integer.toString(status))
                .description("Streams that ended or could not be opened").register(registry).increment();
    }

    @Override
    public void fellBack(String source) {
        Counter.builder("poller.push.fallbacks").tag("source", source)
                .description("Watches that could not be held; polling covers their workspaces").register(registry)
                .increment();
    }

    @Override
    public void pushed(String source, int snapshots) {
        Counter.builder("poller.push.snapshots").tag("source", source)
                .description("Snapshots handed to Kafka from pushed views").register(registry).increment(snapshots);
    }

    @Override
    public void malformed(String source) {
        Counter.builder("poller.push.malformed").tag("source", source)
                .description("Pushed frames or bodies that were not what Coder sends").register(registry).increment();
    }

    @Override
    public void read(String source, boolean ok) {
        Counter.builder("poller.push.reads").tag("source", source).tag("outcome", ok ? "ok" : "failed")
                .description("Immediate workspace reads").register(registry).increment();
    }

    @Override
    public void readDropped(String source) {
        Counter.builder("poller.push.reads").tag("source", source).tag("outcome", "dropped")
                .description("Immediate workspace reads").register(registry).increment();
    }

    @Override
    public void onRateLimited(Duration retryAfter) {
        Counter.builder("poller.coder.rate.limited").description("429 answers from Coder").register(registry)
                .increment();
    }
}
