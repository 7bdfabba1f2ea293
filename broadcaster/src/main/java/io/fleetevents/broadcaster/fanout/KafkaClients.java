package io.fleetevents.broadcaster.fanout;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The Kafka client boundary: consumer settings shared by the live consumer and replay readers. No consumer group,
 * no commits: positions live in resume tokens. {@code read_committed} so aborted transactional writes of the
 * processor are never delivered.
 */
public final class KafkaClients {

    private final BroadcasterProperties.Kafka kafka;
    private final Deserializer<EventNotification> deserializer = Topics.FLEET_EVENTS.valueSerde().deserializer();

    public KafkaClients(BroadcasterProperties.Kafka kafka) {
        this.kafka = kafka;
    }

    /** The resolved bootstrap servers, the same for every client of the broadcaster. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String topic() {
        return kafka.topic();
    }

    /** A new byte-array consumer; the caller owns and closes it. */
    public KafkaConsumer<byte[], byte[]> consumer(String clientId, int maxPollRecords) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    /** The topic's partitions, in partition order, or an empty list when the topic does not exist (yet). */
    public List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, java.time.Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(kafka.topic(), timeout);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /**
     * The route of a record value; throws on anything that is not an event. Events in the form this project writes
     * are read in one lean pass ({@link EventRoute#readCanonical}); anything else is decoded in full, which accepts it
     * or says what is wrong, so what counts as an event is the contract's decoder's decision either way.
     */
    public EventRoute route(byte[] value) {
        EventRoute route = EventRoute.readCanonical(value);
        if (route != null) {
            return route;
        }
        EventNotification event = deserializer.deserialize(kafka.topic(), value);
        if (event == null) {
            throw new IllegalArgumentException("a record without a value (tombstone) is not an event");
        }
        return EventRoute.of(event);
    }
}
