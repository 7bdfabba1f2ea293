package io.fleetevents.processor.topology;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.capacity.AlertStateSerde;
import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.processor.capacity.CapacityPartialSerde;
import io.fleetevents.processor.diff.AgentStateSerde;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.Topics;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the processor's topology. Every stateful thing has a constant name: renaming one silently starts a new,
 * empty changelog (every agent would be "first seen" again), so {@code ProcessorTopologyDescribeTest} compares
 * {@code describe()} with a checked-in copy.
 *
 * <pre>
 * coder.agent-snapshots ─▶ agent-diff [agent-state-store, cycle-progress-store]
 *      ├─ events ─────────────────────────────────────────▶ fleet.events (CloudEvents headers)
 *      ├─ agent states ───────────────────────────────────▶ fleet.agents (compacted; null = gone)
 *      ├─ dead letters ───────────────────────────────────▶ coder.agent-snapshots.dlq
 *      └─ partials ─▶ capacity-partials (repartition, keyed by deployment)
 *                        ─▶ capacity-cycle [capacity-partials-store, capacity-alerts-store]
 *                              ├─ samples ─▶ fleet.capacity
 *                              └─ events ──▶ fleet.events
 * </pre>
 *
 * Values are read as bytes and parsed by {@link io.fleetevents.processor.snapshot.SnapshotReader}, so a poison
 * record never reaches a deserialization handler: it is dead-lettered by {@code agent-diff} itself.
 */
public final class ProcessorTopology {

    public static final String SOURCE = "snapshots-source";
    public static final String AGENT_DIFF = "agent-diff";
    public static final String AGENT_STATE_STORE = "agent-state-store";
    public static final String CYCLE_PROGRESS_STORE = "cycle-progress-store";
    public static final String CAPACITY_PARTIALS_TOPIC = "capacity-partials";
    public static final String CAPACITY_CYCLE = "capacity-cycle";
    public static final String CAPACITY_PARTIALS_STORE = "capacity-partials-store";
    public static final String CAPACITY_ALERTS_STORE = "capacity-alerts-store";

    private ProcessorTopology() {
    }

    /** The topology for {@code config}, without metrics. */
    public static Topology build(ProcessorConfig config) {
        return build(config, TopologyListener.NONE);
    }

    /** The topology for {@code config}, reporting to {@code listener}. */
    public static Topology build(ProcessorConfig config, TopologyListener listener) {
        ProcessorConfig.TopicsConfig topics = config.topics();
        boolean inMemory = config.streams().storeType().equals("in-memory");
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(AGENT_STATE_STORE, inMemory, new AgentStateSerde()));
        builder.addStateStore(store(CYCLE_PROGRESS_STORE, inMemory, Serdes.Long()));
        builder.addStateStore(store(CAPACITY_PARTIALS_STORE, inMemory, new CapacityPartialSerde()));
        builder.addStateStore(store(CAPACITY_ALERTS_STORE, inMemory, new AlertStateSerde()));

        KStream<String, Emit> diffOutput = builder
                .stream(topics.snapshots(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new SnapshotProcessor(config.capacity(), config.diff(), listener), Named.as(AGENT_DIFF),
                        AGENT_STATE_STORE, CYCLE_PROGRESS_STORE);

        Map<String, KStream<String, Emit>> diffBranches = diffOutput.split(Named.as("diff-output-"))
                .branch((k, v) -> v instanceof Emit.Event, Branched.as("events"))
                .branch((k, v) -> v instanceof Emit.Agent, Branched.as("agents"))
                .branch((k, v) -> v instanceof Emit.DeadLetter, Branched.as("dead-letters"))
                .branch((k, v) -> v instanceof Emit.Partial, Branched.as("partials"))
                .noDefaultBranch();

        diffBranches.get("diff-output-events")
                .mapValues(v -> ((Emit.Event) v).event(), Named.as("diff-event-values"))
                .to(topics.events(), events("diff-events-sink"));

        diffBranches.get("diff-output-agents")
                .mapValues(v -> ((Emit.Agent) v).agent(), Named.as("diff-agent-values"))
                .to(topics.agents(), Produced.with(Serdes.String(), Topics.FLEET_AGENTS.valueSerde())
                        .withName("agents-sink"));

        diffBranches.get("diff-output-dead-letters")
                .map((k, v) -> KeyValue.pair(((Emit.DeadLetter) v).key(), ((Emit.DeadLetter) v).value()),
                        Named.as("dead-letter-records"))
                .to(topics.deadLetter(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("dead-letter-sink"));

        KStream<String, Emit> cycleOutput = diffBranches.get("diff-output-partials")
                .mapValues(v -> ((Emit.Partial) v).partial(), Named.as("partial-values"))
                .repartition(Repartitioned.<String, CapacityPartial>as(CAPACITY_PARTIALS_TOPIC)
                        .withKeySerde(Serdes.String()).withValueSerde(new CapacityPartialSerde()))
                .process(() -> new CapacityCycleProcessor(config.capacity(), listener), Named.as(CAPACITY_CYCLE),
                        CAPACITY_PARTIALS_STORE, CAPACITY_ALERTS_STORE);

        Map<String, KStream<String, Emit>> cycleBranches = cycleOutput.split(Named.as("cycle-output-"))
                .branch((k, v) -> v instanceof Emit.Sample, Branched.as("samples"))
                .branch((k, v) -> v instanceof Emit.Event, Branched.as("events"))
                .noDefaultBranch();

        cycleBranches.get("cycle-output-samples")
                .mapValues(v -> ((Emit.Sample) v).sample(), Named.as("cycle-sample-values"))
                .to(topics.capacity(), Produced.with(Serdes.String(), Topics.FLEET_CAPACITY.valueSerde())
                        .withName("capacity-samples-sink"));
        cycleBranches.get("cycle-output-events")
                .mapValues(v -> ((Emit.Event) v).event(), Named.as("cycle-event-values"))
                .to(topics.events(), events("capacity-events-sink"));

        return builder.build();
    }

    private static Produced<String, EventNotification> events(String sinkName) {
        return Produced.with(Serdes.String(), Topics.FLEET_EVENTS.valueSerde()).withName(sinkName);
    }

    private static <V> StoreBuilder<?> store(String name, boolean inMemory, Serde<V> valueSerde) {
        KeyValueBytesStoreSupplier supplier = inMemory ? Stores.inMemoryKeyValueStore(name)
                : Stores.persistentKeyValueStore(name);
        // Caching off: an alert must not wait for a cache flush, and EOS commits the changelog with the output.
        return Stores.keyValueStoreBuilder(supplier, Serdes.String(), valueSerde)
                .withCachingDisabled()
                .withLoggingEnabled(Map.of());
    }
}
