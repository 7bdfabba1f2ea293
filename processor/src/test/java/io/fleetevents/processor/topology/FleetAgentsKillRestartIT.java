package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.processor.CommittedEvents;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Departure;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import io.fleetevents.testing.Snapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code fleet.agents} on a real broker across a hard crash: the real processor app runs in a child JVM and is killed
 * with SIGKILL while snapshots and cycle markers still arrive, then restarted on the same state dir. Read
 * read_committed, every key's records must be exactly those a TopologyTestDriver derives from the snapshots topic as
 * it was written (partition by partition) — so the last value per key, the current fleet, is right, and a key that
 * went away has one tombstone and nothing after it — and each agent's {@code last_event} must be the last committed
 * event of its key on {@code fleet.events}.
 */
class FleetAgentsKillRestartIT {

    private static final int PARTITIONS = 6;
    private static final int AGENTS = 72;
    private static final int POLLS = 7;

    @Test
    void shouldKeepFleetAgentsEqualToTheReplayedStateWhenTheProcessorIsKilledMidRunAndRestarted() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("agents-snapshots");
        String events = input + "-events";
        String agents = input + "-agents";
        KafkaTestBroker.createTopic(input, PARTITIONS);
        KafkaTestBroker.createTopic(events, PARTITIONS);
        List<List<Input>> polls = workload();
        List<Input> all = polls.stream().flatMap(List::stream).toList();
        int firstPhase = polls.get(0).size() + polls.get(1).size() + polls.get(2).size();
        Path stateDir = Files.createTempDirectory("agents-state");
        Path log = Files.createTempFile("agents-processor", ".log");
        String[] props = {
            "fleet.processor.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
            "fleet.processor.application-id=" + input + "-app",
            "fleet.processor.topics.snapshots=" + input,
            "fleet.processor.topics.events=" + events,
            "fleet.processor.topics.capacity=" + input + "-capacity",
            "fleet.processor.topics.agents=" + agents,
            "fleet.processor.streams.state-dir=" + stateDir,
            "fleet.processor.streams.overrides[consumer.session.timeout.ms]=6000",
            "server.port=0"};
        AtomicInteger produced = new AtomicInteger();

        ProcessorProcess first = ProcessorProcess.start(log, props);
        produce(input, all.subList(0, firstPhase), produced, 0);
        try (CommittedAgents reader = new CommittedAgents(agents)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> reader.poll().size() >= AGENTS);

            Thread producer = new Thread(() -> produce(input, all.subList(firstPhase, all.size()), produced, 50),
                    "agents-producer");
            producer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> produced.get() >= firstPhase + 60);
            first.kill();
            assertThat(produced.get()).as("killed mid-run").isLessThan(all.size());

            try (ProcessorProcess second = ProcessorProcess.start(log, props)) {
                producer.join(120_000);
                assertThat(produced.get()).isEqualTo(all.size());
                Map<String, List<FleetAgent>> expected = replay(input);
                await().atMost(Duration.ofSeconds(180)).until(() -> reader.poll().equals(expected));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> reader.poll().equals(expected));

                Map<String, FleetAgent> current = current(reader.poll());
                assertThat(current).hasSize(AGENTS / 2);
                assertThat(expected.values()).filteredOn(records -> records.contains(null)).hasSize(AGENTS / 2)
                        .allSatisfy(records -> {
                            assertThat(records.get(records.size() - 1)).as("gone for good").isNull();
                            assertThat(records.stream().filter(r -> r == null).count()).as("one tombstone").isOne();
                        });
                assertLastEventsMatch(events, reader.poll(), current);
            }
        }
        assertThat(cleanupPolicy(agents)).isEqualTo("compact");
    }

    /**
     * Each poll: a snapshot per present agent, then a marker per partition. Agents {@code a % 4 == 1} are deleted
     * (a departure) and {@code a % 4 == 2} vanish at poll 5; {@code a % 4 == 3} lose their connection at poll 5 and the
     * marker reports it; the rest are rebuilt at poll 6. Poll 7 changes nothing but {@code observed_at}.
     */
    private static List<List<Input>> workload() {
        List<List<Input>> polls = new ArrayList<>();
        for (int poll = 1; poll <= POLLS; poll++) {
            Instant observed = T0.plusSeconds(1000L * poll);
            List<Input> records = new ArrayList<>();
            Map<Integer, List<String>> present = new HashMap<>();
            Map<Integer, Map<String, Departure>> departures = new HashMap<>();
            for (int a = 0; a < AGENTS; a++) {
                int partition = a % PARTITIONS;
                Snapshots.Builder b = Snapshots.agent("user" + a + "/fleet-" + a + ".main").pollId(poll)
                        .observedAt(observed);
                boolean gone = poll >= 5 && (a % 4 == 1 || a % 4 == 2);
                if (gone) {
                    if (poll == 5 && a % 4 == 1) {
                        departures.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(b.key(),
                                Snapshots.departure(Snapshots.agent("user" + a + "/fleet-" + a + ".main")
                                        .buildNumber(2).transition("delete").initiator("user" + a)));
                    }
                    continue;
                }
                switch (poll) {
                    case 1 -> b.connecting();
                    case 2 -> b.connected();
                    case 3 -> b.appStatus("working", "on it", T0.plusSeconds(2900))
                            .task("active", "working", "on it", T0.plusSeconds(2900));
                    case 4 -> b.appStatus("working", "on it", T0.plusSeconds(2900))
                            .appStatus("complete", "done", T0.plusSeconds(3900)).taskUnknown();
                    case 5 -> {
                        b.appStatus("working", "on it", T0.plusSeconds(2900))
                                .appStatus("complete", "done", T0.plusSeconds(3900));
                        if (a % 4 == 3) {
                            b.disconnectedAt(observed.minusSeconds(3));
                        }
                    }
                    default -> {
                        if (a % 4 == 0) {
                            b.buildNumber(2).appStatus("working", "again", observed.minusSeconds(10));
                        } else {
                            b.appStatus("working", "on it", T0.plusSeconds(2900))
                                    .appStatus("complete", "done", T0.plusSeconds(3900));
                        }
                    }
                }
                records.add(new Input(partition, b.key(), b.build()));
                present.computeIfAbsent(partition, p -> new ArrayList<>()).add(b.key());
            }
            for (int p = 0; p < PARTITIONS; p++) {
                records.add(new Input(p, CycleMarker.RECORD_KEY, new CycleMarker(SnapshotRecord.CURRENT_SCHEMA_VERSION,
                        Snapshots.DEPLOYMENT, poll, observed.plusSeconds(500), p, PARTITIONS,
                        present.getOrDefault(p, List.of()), departures.getOrDefault(p, Map.of()))));
            }
            polls.add(records);
        }
        return polls;
    }

    /**
     * The records the topology derives from the snapshots topic as written, per key: each input partition replayed in
     * its own driver (a stream task's state is its partition's), its markers addressed to the driver's one partition.
     */
    private static Map<String, List<FleetAgent>> replay(String input) {
        Map<String, List<FleetAgent>> records = new HashMap<>();
        Map<Integer, List<ConsumerRecord<String, byte[]>>> partitions = readAll(input);
        for (List<ConsumerRecord<String, byte[]>> partition : partitions.values()) {
            try (TopologyHarness harness = new TopologyHarness()) {
                for (ConsumerRecord<String, byte[]> r : partition) {
                    ObjectNode tree = (ObjectNode) FleetJson.mapper().readTree(r.value());
                    if (!tree.has("agent_key")) {
                        tree.put("partition", 0).put("partition_count", 1);
                    }
                    harness.pipeRaw(r.key(), tree.toString());
                }
                assertThat(harness.deadLetters.isEmpty()).isTrue();
                harness.agents.readRecordsToList().forEach(r ->
                        records.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
            }
        }
        return records;
    }

    private static Map<String, FleetAgent> current(Map<String, List<FleetAgent>> records) {
        Map<String, FleetAgent> current = new HashMap<>();
        records.forEach((key, values) -> {
            FleetAgent last = values.get(values.size() - 1);
            if (last != null) {
                current.put(key, last);
            }
        });
        return current;
    }

    /** Every listed agent's last event is the last committed event of its key; every gone key's last is a disconnect. */
    private static void assertLastEventsMatch(String events, Map<String, List<FleetAgent>> records,
                                              Map<String, FleetAgent> current) {
        Map<String, EventNotification> lastByKey = new HashMap<>();
        try (CommittedEvents reader = new CommittedEvents(events)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll().forEach(e -> lastByKey.put(e.agentKey(), e));
                return lastByKey.keySet().containsAll(records.keySet());
            });
        }
        current.forEach((key, agent) -> {
            EventNotification last = lastByKey.get(key);
            assertThat(agent.lastEvent()).as(key).isEqualTo(new FleetAgent.LastEvent(last.eventId(),
                    last.eventType(), last.timestamp()));
        });
        records.keySet().stream().filter(key -> !current.containsKey(key)).forEach(key ->
                assertThat(lastByKey.get(key).eventType()).as(key).isEqualTo(EventType.AGENT_DISCONNECTED));
    }

    private static Map<Integer, List<ConsumerRecord<String, byte[]>>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        Map<Integer, List<ConsumerRecord<String, byte[]>>> records = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return records;
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        return partitions;
    }

    private static String cleanupPolicy(String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            return config.get("cleanup.policy").value();
        }
    }

    /** Produces {@code records} in order to their partitions, at {@code perSecond} (0: as fast as possible). */
    private static void produce(String topic, List<Input> records, AtomicInteger produced, int perSecond) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < records.size(); i++) {
                if (perSecond > 0) {
                    long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                Input r = records.get(i);
                producer.send(new ProducerRecord<>(topic, r.partition(), r.key(),
                        Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize(topic, r.value())));
                if (perSecond > 0) {
                    producer.flush();
                }
                produced.incrementAndGet();
            }
        }
    }

    private record Input(int partition, String key, SnapshotRecord value) {
    }

    /** A read_committed reader of a whole {@code fleet.agents} topic: every committed record per key, in order. */
    private static final class CommittedAgents implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, List<FleetAgent>> records = new HashMap<>();

        CommittedAgents(String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            // the processor creates the topic (compacted); a consumer must not create it first
            props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !consumer.partitionsFor(topic, Duration.ofSeconds(5))
                    .isEmpty());
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls once and returns every committed record so far, per key in offset order (null = tombstone). */
        Map<String, List<FleetAgent>> poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                FleetAgent value = Topics.FLEET_AGENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                records.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(value);
            }
            return Map.copyOf(records);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
