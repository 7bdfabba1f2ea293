package io.fleetevents.broadcaster.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The capacity history on a real broker, started before its topic exists (the processor creates it later). */
class CapacityHistoryIT {

    @Test
    void shouldWaitForATopicThatDoesNotExistYetAndThenFollowIt() throws Exception {
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = KafkaTestBroker.uniqueTopic("capacity-later");
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "fleet.broadcaster.kafka.bootstrap-servers", bootstrap, "fleet.broadcaster.capacity.topic", topic)));
        CapacityHistory history = new CapacityHistory(
                binder.bindOrCreate("fleet.broadcaster", BroadcasterProperties.class),
                binder.bindOrCreate("fleet.broadcaster.capacity", CapacityProperties.class));
        history.start();
        try {
            // the follower waits for the topic (it used to die on its first wait: "not subscribed to any topics")
            KafkaTestBroker.createTopic(topic, 2);
            CapacitySample sample = new CapacitySample(1, "acme", "fleet", 7, Instant.parse("2026-03-02T08:01:05Z"),
                    10, 9, 8, 4, 0.5, 0);
            try (KafkaProducer<String, CapacitySample> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                    Topics.FLEET_CAPACITY.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topic, "fleet", sample)).get();
            }

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(history.samples("fleet")).containsExactly(sample));
        } finally {
            history.stop();
        }
        assertThat(history.isRunning()).isFalse();
    }
}
