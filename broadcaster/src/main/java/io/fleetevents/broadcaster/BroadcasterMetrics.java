package io.fleetevents.broadcaster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The broadcaster's counters and gauges (used by every feature package), registered once per application context. */
public final class BroadcasterMetrics {

    private final Counter deliveries;
    private final Counter scopeRefusals;
    private final Counter slowConsumerDrops;
    private final Counter replays;
    private final Counter replayedEvents;
    private final Counter poisonRecords;
    private final Counter protocolErrors;
    private final Counter limitRefusals;
    private final Counter credentialExpiries;
    private final AtomicInteger subscriptions = new AtomicInteger();

    public BroadcasterMetrics(MeterRegistry registry) {
        deliveries = Counter.builder("fleet.broadcaster.deliveries")
                .description("Events handed to subscribers, all transports").register(registry);
        scopeRefusals = Counter.builder("fleet.broadcaster.scope.refusals")
                .description("Events that matched a subscriber's filter but not its token's scope").register(registry);
        slowConsumerDrops = Counter.builder("fleet.broadcaster.slow.consumer.drops")
                .description("Connections dropped because their send buffer overflowed").register(registry);
        replays = Counter.builder("fleet.broadcaster.replays").description("Replays started").register(registry);
        replayedEvents = Counter.builder("fleet.broadcaster.replayed.events")
                .description("Events delivered by replay readers").register(registry);
        poisonRecords = Counter.builder("fleet.broadcaster.poison.records")
                .description("Records on the events topic that are not valid events (skipped)").register(registry);
        protocolErrors = Counter.builder("fleet.broadcaster.protocol.errors")
                .description("STOMP ERROR frames and HTTP 400s sent for client mistakes").register(registry);
        limitRefusals = Counter.builder("fleet.broadcaster.limit.refusals")
                .description("Connections or subscriptions refused by a protection limit").register(registry);
        credentialExpiries = Counter.builder("fleet.broadcaster.credential.expiries")
                .description("Connections ended because their JWT expired (the client got its resume tokens)").register(registry);
        registry.gauge("fleet.broadcaster.subscriptions", subscriptions);
    }

    public void delivered() {
        deliveries.increment();
    }

    public void scopeRefused() {
        scopeRefusals.increment();
    }

    public void slowConsumerDropped() {
        slowConsumerDrops.increment();
    }

    public void credentialExpired() {
        credentialExpiries.increment();
    }

    public void replayStarted() {
        replays.increment();
    }

    public void replayed() {
        replayedEvents.increment();
    }

    public void poisonRecord() {
        poisonRecords.increment();
    }

    public void protocolError() {
        protocolErrors.increment();
    }

    public void limitRefused() {
        limitRefusals.increment();
    }

    public void subscriptionOpened() {
        subscriptions.incrementAndGet();
    }

    public void subscriptionClosed() {
        subscriptions.decrementAndGet();
    }

    public double slowConsumerDropCount() {
        return slowConsumerDrops.count();
    }
}
