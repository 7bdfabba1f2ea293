package io.fleetevents.broadcaster.it;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes events to a test topic the way the processor does: keyed by agent key. */
final class EventProducer implements AutoCloseable {

    private final String topic;
    private final KafkaProducer<String, EventNotification> producer;

    EventProducer(String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"),
                Topics.FLEET_EVENTS.keySerde().serializer(), Topics.FLEET_EVENTS.valueSerde().serializer());
    }

    void send(EventNotification event) {
        String key = event.agent() != null ? event.agent().key() : "fleet/" + event.metadata().getOrDefault("scope", "fleet");
        producer.send(new ProducerRecord<>(topic, key, event));
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
