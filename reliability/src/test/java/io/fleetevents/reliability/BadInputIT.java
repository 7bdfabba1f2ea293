package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A corpus of malformed snapshots written straight to {@code coder.agent-snapshots} — derived from real records the
 * poller wrote, then broken — must each land in the DLQ with its source offset, and the pipeline must carry on:
 * a fleet changing around the corpus still gets exactly its events.
 */
class BadInputIT extends SuiteScenario {

    private static final String SNAPSHOTS = "coder.agent-snapshots";
    private static final String DLQ = SNAPSHOTS + ".dlq";

    @Test
    @Timeout(150)
    void shouldDeadLetterEveryMalformedSnapshotAndKeepDerivingEvents() throws Exception {
        ScriptedFleet fleet = fleet("s-bad-input");
        List<String> agents = fleet.create(6);
        try (Subscribers subscribers = Subscribers.open(fleet, stack.broadcasterPort(), 2, true, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            Barriers.allDelivered(fleet, List.of(suite.committed()), Duration.ofSeconds(90));
            ConsumerRecord<byte[], byte[]> snapshot = latest(record -> !"cycle-complete".equals(key(record))
                    && key(record).startsWith("") && new String(record.value(), StandardCharsets.UTF_8)
                    .contains("\"" + fleet.owner() + "\""));
            ConsumerRecord<byte[], byte[]> marker = latest(record -> "cycle-complete".equals(key(record)));

            Map<String, ProducerRecord<byte[], byte[]>> corpus = corpus(snapshot, marker);
            Map<Long, String> offsets = new LinkedHashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                for (Map.Entry<String, ProducerRecord<byte[], byte[]>> c : corpus.entrySet()) {
                    RecordMetadata written = producer.send(c.getValue()).get();
                    offsets.put(((long) written.partition() << 40) | written.offset(), c.getKey());
                }
            }
            agents.forEach(a -> fleet.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            agents.forEach(a -> fleet.lifeStep(a, 2));
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));

            Set<String> deadLettered = new HashSet<>();
            await("every malformed record dead-lettered").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> {
                        deadLettered.addAll(dlqSources(offsets));
                        assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(corpus.keySet());
                    });
            Barriers.allDelivered(fleet, withCommitted(subscribers.all()), Duration.ofSeconds(90));
            Barriers.watch(Duration.ofSeconds(2));
            assertThat(stack.processor().health().statusCode()).as("processor still running").isEqualTo(200);

            subscribers.report(suite.table(), "bad input: " + corpus.size() + " malformed snapshots → DLQ", fleet,
                    suite.committed(), null, deadLettered.size() + "/" + corpus.size()
                            + " dead-lettered with source offset; pipeline continued");
            for (Collector c : withCommitted(subscribers.all())) {
                assertThat(Tally.of(fleet, c.received())).as(c.transport())
                        .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
            }
        }
    }

    /** Each entry: a name and a broken record. Valid ones are taken from the topic so only the damage differs. */
    private static Map<String, ProducerRecord<byte[], byte[]>> corpus(ConsumerRecord<byte[], byte[]> snapshot,
                                                                      ConsumerRecord<byte[], byte[]> marker) {
        String json = new String(snapshot.value(), StandardCharsets.UTF_8);
        String key = key(snapshot);
        int p = snapshot.partition();
        Map<String, ProducerRecord<byte[], byte[]>> corpus = new LinkedHashMap<>();
        corpus.put("not JSON", record(p, key, "this is not json"));
        corpus.put("empty value", record(p, key, ""));
        corpus.put("truncated JSON", record(p, key, json.substring(0, json.length() / 2)));
        corpus.put("JSON array", record(p, key, "[1,2,3]"));
        corpus.put("unknown kind", record(p, key, json.replaceFirst("\"kind\"\\s*:\\s*\"[a-z_]+\"",
                "\"kind\":\"mystery\"")));
        corpus.put("schema_version 0", record(p, key, json.replaceFirst("\"schema_version\"\\s*:\\s*1",
                "\"schema_version\":0")));
        corpus.put("negative poll_id", record(p, key, json.replaceFirst("\"poll_id\"\\s*:\\s*\\d+",
                "\"poll_id\":-5")));
        corpus.put("no agent_key", record(p, key, json.replaceFirst("\"agent_key\"\\s*:", "\"agent_kee\":")));
        corpus.put("key is not the agent key", record(p, key + "-other", json));
        corpus.put("invalid UTF-8", new ProducerRecord<>(SNAPSHOTS, p, key.getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'}));
        corpus.put("deeply nested", record(p, key, "[".repeat(5000) + "]".repeat(5000)));
        corpus.forEach((name, record) -> assertThat(!java.util.Arrays.equals(record.value(), snapshot.value())
                || !java.util.Arrays.equals(record.key(), snapshot.key())).as("corpus entry '" + name + "' is broken")
                .isTrue());
        int other = (marker.partition() + 1) % 6;
        corpus.put("marker on another partition", new ProducerRecord<>(SNAPSHOTS, other, marker.key(),
                marker.value()));
        return corpus;
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String key, String value) {
        return new ProducerRecord<>(SNAPSHOTS, partition, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> latest(java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> which) {
        ConsumerRecord<byte[], byte[]> found = null;
        for (ConsumerRecord<byte[], byte[]> record : readAll(SNAPSHOTS)) {
            if (which.test(record)) {
                found = record;
            }
        }
        assertThat(found).as("a real record to break").isNotNull();
        return found;
    }

    /** The names of corpus entries whose source position appears in a DLQ record's headers. */
    private static Set<String> dlqSources(Map<Long, String> offsets) {
        Set<String> found = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(DLQ)) {
            String topic = header(record, "dlq.source.topic");
            String partition = header(record, "dlq.source.partition");
            String offset = header(record, "dlq.source.offset");
            if (SNAPSHOTS.equals(topic) && partition != null && offset != null) {
                String name = offsets.get((Long.parseLong(partition) << 40) | Long.parseLong(offset));
                if (name != null) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

}
