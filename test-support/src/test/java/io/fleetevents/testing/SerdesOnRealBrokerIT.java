package io.fleetevents.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topic;
import io.fleetevents.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Every value type of the contract goes through its topic's serdes on a real broker and comes back equal. */
class SerdesOnRealBrokerIT {

    @Test
    void shouldProduceAndConsumeEveryValueTypeThroughItsTopicSerdes() throws Exception {
        List<SnapshotRecord> snapshots = List.of(
                Snapshots.agent("alice/ws.main").appStatus("complete", "done", Snapshots.T0.plusSeconds(900)).build(),
                Snapshots.agentless("bob/broken").build(),
                Snapshots.marker("test", 1, 0, 1, List.of(Snapshots.keyOf("alice/ws.main"))));
        List<EventNotification> events = List.of(
                Events.of(EventType.AGENT_FAILURE, "alice/ws.main").metadata("error", "Connection timeout").build(),
                Events.of(EventType.TASK_COMPLETION, "alice/ws.main").sequence(2).build());
        List<CapacitySample> samples = List.of(
                new CapacitySample(1, "test", "fleet", 1, Instant.parse("2026-03-02T08:01:05Z"), 2, 2, 2, 1, 0.5, 0));

        assertThat(roundTrip(Topics.AGENT_SNAPSHOTS, snapshots)).containsExactlyElementsOf(snapshots);
        assertThat(roundTrip(Topics.FLEET_EVENTS, events)).containsExactlyElementsOf(events);
        assertThat(roundTrip(Topics.FLEET_CAPACITY, samples)).containsExactlyElementsOf(samples);
    }

    private static <V> List<V> roundTrip(Topic<String, V> template, List<V> values) throws Exception {
        Topic<String, V> topic = template.withName(KafkaTestBroker.uniqueTopic(template.name()));
        KafkaTestBroker.createTopic(topic.name(), 1, topic.configs());
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps,
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (V value : values) {
                producer.send(new ProducerRecord<>(topic.name(), "key", value)).get();
            }
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> received = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerProps,
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic.name(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < values.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.value());
                }
            }
        }
        return received;
    }
}
