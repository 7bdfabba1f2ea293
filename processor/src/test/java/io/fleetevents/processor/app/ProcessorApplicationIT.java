package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.processor.CommittedEvents;
import io.fleetevents.processor.ProcessorApplication;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import io.fleetevents.testing.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real app, started programmatically as the standalone module does, on a real broker: health follows the
 * Streams state, metrics are on Prometheus, and agent state survives a restart (restored from the changelog into a
 * fresh state directory), so a restart does not re-announce every agent.
 */
class ProcessorApplicationIT {

    private static final int AGENTS = 40;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldKeepAgentStateAcrossARestartAndReportHealthAndMetrics() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("app-snapshots");
        String events = input + "-events";

        try (ConfigurableApplicationContext app = start(input, events);
             CommittedEvents reader = new CommittedEvents(events)) {
            awaitUp(app);
            produce(input, 1, -1);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(reader.poll(), EventType.AGENT_CONNECTED) == AGENTS);
            assertThat(get(app, "/actuator/prometheus"))
                    .contains("fleet_processor_events_total{type=\"AGENT_CONNECTED\"} " + AGENTS + ".0")
                    .contains("fleet_processor_dlq_total");
        }

        try (ConfigurableApplicationContext app = start(input, events);
             CommittedEvents reader = new CommittedEvents(events)) {
            awaitUp(app);
            produce(input, 2, 0);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> count(reader.poll(), EventType.AGENT_FAILURE) == 1);

            assertThat(count(reader.poll(), EventType.AGENT_CONNECTED)).as("no re-announcement").isEqualTo(AGENTS);
        }
    }

    private ConfigurableApplicationContext start(String input, String events) throws Exception {
        return new SpringApplicationBuilder(ProcessorApplication.class).properties(
                "fleet.processor.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
                "fleet.processor.application-id=" + input + "-app",
                "fleet.processor.topics.snapshots=" + input,
                "fleet.processor.topics.events=" + events,
                "fleet.processor.topics.capacity=" + input + "-capacity",
                "fleet.processor.topics.agents=" + input + "-agents",
                "fleet.processor.streams.state-dir=" + Files.createTempDirectory("app-state"),
                "server.port=0")
                // Also as an argument: builder properties rank below @PropertySource defaults (server.port=8082),
                // so without it the IT bound 8082 and failed whenever another process held that port.
                // The disconnect after the restart is reported at once, not after the default 45 s grace, and the
                // restarted instance takes the partitions once the stopped one's membership expires (6 s, not 45 s).
                .run("--server.port=0", "--fleet.processor.diff.disconnect-grace=0s",
                        "--fleet.processor.streams.overrides[consumer.session.timeout.ms]=6000");
    }

    private void awaitUp(ConfigurableApplicationContext app) {
        await().atMost(Duration.ofSeconds(60)).until(() -> get(app, "/actuator/health").contains("\"UP\""));
    }

    private String get(ConfigurableApplicationContext app, String path) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Every agent connected at {@code pollId}, except agent {@code disconnected} (-1: none). */
    private static void produce(String topic, long pollId, int disconnected) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int a = 0; a < AGENTS; a++) {
                Snapshots.Builder b = Snapshots.agent("user" + a + "/app-" + a + ".main").pollId(pollId);
                // the disconnect (T0 + 1800 s) is seen past its grace, so it is reported at once
                AgentSnapshot s = (a == disconnected ? b.disconnected().observedAt(Snapshots.T0.plusSeconds(1900))
                        : b.connected()).build();
                producer.send(new ProducerRecord<>(topic, s.agentKey(),
                        Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize(topic, s)));
            }
        }
    }

    private static long count(List<EventNotification> events, EventType type) {
        return events.stream().filter(e -> e.eventType() == type).count();
    }
}
