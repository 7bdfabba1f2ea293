package io.fleetevents.processor;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A read_committed reader of a whole {@code fleet.events} topic, for ITs: only committed transactions count. */
public final class CommittedEvents implements AutoCloseable {

    private final KafkaConsumer<String, EventNotification> consumer;
    private final List<EventNotification> events = new ArrayList<>();

    public CommittedEvents(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.FLEET_EVENTS.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns everything read so far. */
    public List<EventNotification> poll() {
        for (ConsumerRecord<String, EventNotification> r : consumer.poll(Duration.ofMillis(200))) {
            events.add(r.value());
        }
        return List.copyOf(events);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
