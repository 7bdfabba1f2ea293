package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.processor.ProcessorApplication;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import io.fleetevents.testing.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Health that tells the truth, on real brokers: each way the processor stops doing its job while Kafka Streams still
 * reports a live state (REBALANCING or RUNNING, which the old indicator reported UP) turns health DOWN with the cause
 * in the details. The transaction cases run on a one-broker cluster of their own whose transaction log asks for
 * three replicas, a common mistake when a single-node Kafka is started with production defaults.
 */
class ProcessorHealthIT {

    /** A stream thread stuck initialising transactions never closes gracefully: don't wait the default 30 s for it. */
    private static final String STUCK_CLOSE = "fleet.processor.streams.close-timeout=1s";

    private static KafkaTestBroker.Dedicated threeReplicaTransactionLog;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBrokerWithProductionTransactionLogDefaults() {
        threeReplicaTransactionLog = KafkaTestBroker.startDedicated(Map.of(
                "transaction.state.log.replication.factor", "3",
                "transaction.state.log.min.isr", "2"));
    }

    @AfterAll
    static void stopBroker() {
        if (threeReplicaTransactionLog != null) {
            threeReplicaTransactionLog.close();
        }
    }

    @Test
    void shouldReportDownNamingTheTransactionLogSettingWhenOneBrokerCannotHostAThreeReplicaTransactionLog()
            throws Exception {
        String input = KafkaTestBroker.uniqueTopic("health-txn");

        try (ConfigurableApplicationContext app = start(threeReplicaTransactionLog.bootstrapServers(), input,
                STUCK_CLOSE)) {

            // Default check interval: the operator's configuration must find it well within a minute.
            String health = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(app, "/actuator/health"), body -> body.contains("transactions cannot initialise"));

            assertThat(health).contains("\"status\":\"DOWN\"")
                    .contains("\"state\":\"REBALANCING\"")
                    .contains("transaction.state.log.replication.factor=3")
                    .contains("1 broker(s)");
        }
    }

    @Test
    void shouldReportDownWhenStreamsStaysInRebalancingLongerThanTheLimit() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("health-rebalancing");

        try (ConfigurableApplicationContext app = start(threeReplicaTransactionLog.bootstrapServers(), input,
                "fleet.processor.health.rebalancing-after=5s", "fleet.processor.health.check-interval=1s",
                STUCK_CLOSE)) {

            String health = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(app, "/actuator/health"), body -> body.contains("has been rebalancing for"));

            assertThat(health).contains("\"status\":\"DOWN\"")
                    .contains("fleet.processor.health.rebalancing-after=PT5S")
                    .contains("check the brokers' transaction.state.log.replication.factor=3, "
                            + "transaction.state.log.min.isr=2, 1 broker(s)");
        }
    }

    @Test
    void shouldReportDownWhenStreamsMakesNoProgressWhileItsInputGrowsAndUpWhenItCatchesUp() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("health-stall");
        AtomicInteger poll = new AtomicInteger();

        try (ConfigurableApplicationContext app = start(KafkaTestBroker.bootstrapServers(), input,
                "fleet.processor.health.stalled-after=3s", "fleet.processor.health.check-interval=1s")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get(app, "/actuator/health").contains("\"RUNNING\""));
            produce(input, poll.incrementAndGet());

            // Paused, Streams stays RUNNING and keeps its group membership, but processes and commits nothing.
            app.getBean(StreamsLifecycle.class).streams().pause();
            String down = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        produce(input, poll.incrementAndGet());
                        return get(app, "/actuator/health");
                    }, body -> body.contains("has made no progress"));

            assertThat(down).contains("\"status\":\"DOWN\"")
                    .contains("fleet.processor.health.stalled-after=PT3S");

            app.getBean(StreamsLifecycle.class).streams().resume();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(app, "/actuator/health"), body -> body.contains("\"status\":\"UP\""));
        }
    }

    private static ConfigurableApplicationContext start(String bootstrap, String input, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--fleet.processor.bootstrap-servers=" + bootstrap,
                "--fleet.processor.application-id=" + input + "-app",
                "--fleet.processor.topics.snapshots=" + input,
                "--fleet.processor.topics.events=" + input + "-events",
                "--fleet.processor.topics.capacity=" + input + "-capacity",
                "--fleet.processor.topics.agents=" + input + "-agents",
                "--fleet.processor.streams.num-threads=1",
                "--fleet.processor.streams.state-dir=" + Files.createTempDirectory("health-state")));
        for (String e : extra) {
            args.add("--" + e);
        }
        return new SpringApplicationBuilder(ProcessorApplication.class).run(args.toArray(String[]::new));
    }

    private String get(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void produce(String topic, long pollId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int a = 0; a < 5; a++) {
                AgentSnapshot s = Snapshots.agent("user" + a + "/app-" + a + ".main").pollId(pollId).connected().build();
                producer.send(new ProducerRecord<>(topic, s.agentKey(),
                        Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize(topic, s)));
            }
        }
    }
}
