package io.fleetevents.processor.app;

import io.fleetevents.processor.topology.TopologyListener;
import io.fleetevents.schemas.EventType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Micrometer meters of the processor (Prometheus names in docs/processor.md): events emitted by type,
 * {@code fleet.agents} records and tombstones, dead letters, processing errors, stale snapshots, late markers, completed cycles. Consumer lag and the rest of
 * Kafka Streams' own metrics are bound separately by {@code KafkaStreamsMetrics}.
 */
final class ProcessorMetrics implements TopologyListener {

    private final MeterRegistry registry;
    private final Map<EventType, Counter> events = new EnumMap<>(EventType.class);
    private final Counter deadLetters;
    private final Counter stale;
    private final Counter lateMarkers;
    private final Counter cycles;
    private final Counter agentRecords;
    private final Counter agentTombstones;

    ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EventType type : EventType.values()) {
            events.put(type, Counter.builder("fleet.processor.events").description("events written to fleet.events")
                    .tag("type", type.name()).register(registry));
        }
        deadLetters = Counter.builder("fleet.processor.dlq").description("snapshots sent to the dead-letter topic")
                .register(registry);
        stale = Counter.builder("fleet.processor.stale.snapshots")
                .description("snapshots older than the stored state, ignored").register(registry);
        lateMarkers = Counter.builder("fleet.processor.late.markers")
                .description("cycle markers no newer than the last of their partition, ignored").register(registry);
        cycles = Counter.builder("fleet.processor.cycles").description("fleet-wide poll cycles completed")
                .register(registry);
        agentRecords = Counter.builder("fleet.processor.agent.records").description("records written to fleet.agents")
                .tag("kind", "state").register(registry);
        agentTombstones = Counter.builder("fleet.processor.agent.records").description("records written to fleet.agents")
                .tag("kind", "tombstone").register(registry);
        Counter.builder("fleet.processor.processing.errors").description("records whose processing threw")
                .tag("node", "none").register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    @Override
    public void eventEmitted(EventType type) {
        events.get(type).increment();
    }

    @Override
    public void agentWritten(boolean tombstone) {
        (tombstone ? agentTombstones : agentRecords).increment();
    }

    @Override
    public void deadLettered(String reason) {
        deadLetters.increment();
    }

    @Override
    public void staleSnapshot() {
        stale.increment();
    }

    @Override
    public void lateMarker() {
        lateMarkers.increment();
    }

    @Override
    public void cycleCompleted(int scopes) {
        cycles.increment();
    }

    @Override
    public void processingError(String node) {
        registry.counter("fleet.processor.processing.errors", "node", node).increment();
    }
}
