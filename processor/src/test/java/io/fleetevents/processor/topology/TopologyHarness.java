package io.fleetevents.processor.topology;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.processor.capacity.CapacityPartialSerde;
import io.fleetevents.processor.capacity.CapacityPolicy;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology in a {@link TopologyTestDriver}, with typed input and output topics. */
final class TopologyHarness implements AutoCloseable {

    final ProcessorConfig config;
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> snapshots;
    final TestInputTopic<String, CapacityPartial> partials;
    final TestOutputTopic<String, EventNotification> events;
    final TestOutputTopic<String, CapacitySample> capacity;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<String, FleetAgent> agents;
    private final Path stateDir;

    TopologyHarness() {
        this(CapacityPolicy.defaults());
    }

    TopologyHarness(CapacityPolicy policy) {
        this(policy, null);
    }

    TopologyHarness(io.fleetevents.processor.diff.DiffPolicy diff) {
        this(CapacityPolicy.defaults(), diff);
    }

    TopologyHarness(CapacityPolicy policy, io.fleetevents.processor.diff.DiffPolicy diff) {
        try {
            stateDir = Files.createTempDirectory("processor-ttd");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        config = new ProcessorConfig("ttd", "unused:9092", null, policy,
                new ProcessorConfig.StreamsConfig(null, null, null, stateDir, null, null, null, null, null), diff);
        Properties props = StreamsSettings.of(config, TopologyListener.NONE);
        driver = new TopologyTestDriver(ProcessorTopology.build(config), props);
        snapshots = driver.createInputTopic(config.topics().snapshots(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        partials = driver.createInputTopic("ttd-" + ProcessorTopology.CAPACITY_PARTIALS_TOPIC + "-repartition",
                Serdes.String().serializer(), new CapacityPartialSerde());
        events = driver.createOutputTopic(config.topics().events(), Serdes.String().deserializer(),
                Topics.FLEET_EVENTS.valueSerde().deserializer());
        capacity = driver.createOutputTopic(config.topics().capacity(), Serdes.String().deserializer(),
                Topics.FLEET_CAPACITY.valueSerde().deserializer());
        agents = driver.createOutputTopic(config.topics().agents(), Serdes.String().deserializer(),
                Topics.FLEET_AGENTS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(config.topics().deadLetter(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /** Pipes a snapshot or marker as the poller writes it (markers under their fixed record key). */
    void pipe(SnapshotRecord record) {
        String key = record instanceof io.fleetevents.schemas.AgentSnapshot s ? s.agentKey()
                : io.fleetevents.schemas.CycleMarker.RECORD_KEY;
        snapshots.pipeInput(key, Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize("t", record));
    }

    void pipe(Snapshots.Builder builder) {
        pipe(builder.build());
    }

    /** A marker for the driver's single partition listing these keys. */
    void marker(long pollId, String... keys) {
        pipe(Snapshots.marker(Snapshots.DEPLOYMENT, pollId, 0, 1, List.of(keys)));
    }

    /** Pipes an edited snapshot or marker tree (see {@link SnapshotJson}) under the key the poller would use. */
    void pipe(tools.jackson.databind.node.ObjectNode tree) {
        String key = tree.has("agent_key") ? tree.get("agent_key").asString()
                : io.fleetevents.schemas.CycleMarker.RECORD_KEY;
        pipeRaw(key, tree.toString());
    }

    /** A marker for the driver's single partition, completed at {@code observedAt}, listing these keys. */
    void markerAt(long pollId, java.time.Instant observedAt, String... keys) {
        pipe(SnapshotJson.marker(pollId, observedAt, List.of(keys)));
    }

    void pipeRaw(String key, String value) {
        snapshots.pipeInput(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    List<EventNotification> drainEvents() {
        return events.readValuesToList();
    }

    List<TestRecord<String, EventNotification>> drainEventRecords() {
        return events.readRecordsToList();
    }

    KeyValueStore<String, ?> agentStates() {
        return driver.getKeyValueStore(ProcessorTopology.AGENT_STATE_STORE);
    }

    static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort clean-up of a temp dir
        }
    }
}
