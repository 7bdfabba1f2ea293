package io.fleetevents.standalone.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KraftBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepRecordsAcrossARestartOnTheSameDataDirectory() throws Exception {
        try (KraftBroker broker = KraftBroker.start(dataDir, 0, 0)) {
            produce(broker.bootstrapServers(), "before-restart");
        }

        try (KraftBroker restarted = KraftBroker.start(dataDir, 0, 0)) {
            produce(restarted.bootstrapServers(), "after-restart");

            assertThat(readAll(restarted.bootstrapServers(), 2)).containsExactly("before-restart", "after-restart");
        }
    }

    @Test
    void shouldFailWithAClearMessageWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> KraftBroker.start(dataDir, port, 0))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("Kafka client port " + port + " is already in use");
        }
    }

    private static void produce(String bootstrap, String value) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.idempotence", "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("restart-check", 0, "k", value)).get();
        }
    }

    private static List<String> readAll(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("restart-check", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
