package io.fleetevents.poller;

import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the whole snapshot topic from the beginning, accumulating records across polls. */
final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, SnapshotRecord> consumer;
    private final List<ConsumerRecord<String, SnapshotRecord>> records = new ArrayList<>();
    private final String topic;
    private boolean assigned;

    TopicReader(String topic) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.AGENT_SNAPSHOTS.valueSerde().deserializer());
    }

    List<ConsumerRecord<String, SnapshotRecord>> poll() {
        if (!assigned) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(5))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            if (partitions.isEmpty()) {
                return records;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            assigned = true;
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records;
    }

    List<ConsumerRecord<String, SnapshotRecord>> records() {
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
