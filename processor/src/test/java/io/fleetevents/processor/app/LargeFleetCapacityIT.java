package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.processor.ProcessorApplication;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import io.fleetevents.testing.Snapshots;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A partition holding 45,000 workspaces, on a real broker: its capacity partial, which lists every workspace of the
 * partition, goes through the {@code capacity-partials} repartition topic and the partials store's changelog, and the
 * fleet-wide sample counts all 45,000. (With one ~70-byte entry per workspace and Kafka's default 1 MB records, the
 * processor used to fail at ~12,000 workspaces per partition — ~72,000 for a fleet on the default 6 partitions.)
 */
class LargeFleetCapacityIT {

    private static final int WORKSPACES = 45_000;
    private static final int RECORD_LIMIT = 8 * 1024 * 1024;

    @Test
    void shouldCountEveryWorkspaceOfAPartitionTooLargeForOneMegabyteRecords() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("large-snapshots");
        String capacity = input + "-capacity";
        createInputTopic(input);
        List<String> keys = produceCycle(input);
        assertThat(keys).hasSize(WORKSPACES);

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ProcessorApplication.class).properties(
                "fleet.processor.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
                "fleet.processor.application-id=" + input + "-app",
                "fleet.processor.topics.snapshots=" + input,
                "fleet.processor.topics.events=" + input + "-events",
                "fleet.processor.topics.capacity=" + capacity,
                "fleet.processor.topics.agents=" + input + "-agents",
                "fleet.processor.streams.state-dir=" + Files.createTempDirectory("large-fleet-state"))
                .run("--server.port=0");
             KafkaConsumer<String, CapacitySample> samples = capacityReader()) {
            List<CapacitySample> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                if (samples.assignment().isEmpty()) {
                    List<TopicPartition> partitions = samples.partitionsFor(capacity, Duration.ofSeconds(5)).stream()
                            .map(p -> new TopicPartition(capacity, p.partition())).toList();
                    samples.assign(partitions);
                    samples.seekToBeginning(partitions);
                }
                for (ConsumerRecord<String, CapacitySample> r : samples.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
                return read.stream().anyMatch(s -> s.scope().equals("fleet"));
            });

            CapacitySample fleet = read.stream().filter(s -> s.scope().equals("fleet")).findFirst().orElseThrow();
            assertThat(fleet.pollId()).isEqualTo(1);
            assertThat(fleet.workspaces()).isEqualTo(WORKSPACES);
        }
    }

    private static void createInputTopic(String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            // one partition for the whole fleet; its marker lists all 45,000 keys (~2 MB of JSON)
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(RECORD_LIMIT)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** One complete poll cycle: a connected agent in each workspace, then the partition's marker. */
    private static List<String> produceCycle(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(RECORD_LIMIT));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        List<String> keys = new ArrayList<>(WORKSPACES);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int w = 0; w < WORKSPACES; w++) {
                AgentSnapshot s = Snapshots.agent("user" + (w % 500) + "/ws-" + w + ".main").pollId(1)
                        .template(w % 3 == 0 ? "goose" : "claude-code").connected().build();
                keys.add(s.agentKey());
                producer.send(new ProducerRecord<>(topic, 0, s.agentKey(),
                        Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize(topic, s)));
            }
            producer.send(new ProducerRecord<>(topic, 0, CycleMarker.RECORD_KEY, Topics.AGENT_SNAPSHOTS.valueSerde()
                    .serializer().serialize(topic, Snapshots.marker(Snapshots.DEPLOYMENT, 1, 0, 1, keys))))
                    .get(60, TimeUnit.SECONDS);
        }
        return keys;
    }

    private static KafkaConsumer<String, CapacitySample> capacityReader() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), Topics.FLEET_CAPACITY.valueSerde().deserializer());
    }
}
