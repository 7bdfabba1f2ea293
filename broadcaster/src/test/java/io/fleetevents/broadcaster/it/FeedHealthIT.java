package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The broadcaster's health on a real broker when its live feed stops advancing while {@code fleet.events} grows.
 * A producer's transaction left open holds every read_committed reader at its first record, while other producers'
 * records keep raising the partition's end: the live consumer keeps polling (the old indicator, which looked only
 * at poll recency, stayed UP) but subscribers get nothing new.
 */
class FeedHealthIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger sequence = new AtomicInteger();

    @Test
    void shouldReportDownWithTheCauseWhenTheFeedStopsAdvancingWhileTheTopicGrows() throws Exception {
        String topic = KafkaTestBroker.newTopic("feed-health", 1);

        try (RunningBroadcaster broadcaster = RunningBroadcaster.start(topic, Map.of(
                     "fleet.broadcaster.health.stalled-after", "3s", "fleet.broadcaster.health.check-interval", "500ms"));
             EventProducer producer = new EventProducer(topic);
             KafkaProducer<String, EventNotification> hung = transactional()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> health(broadcaster).contains("\"status\":\"UP\""));

            hung.initTransactions();
            hung.beginTransaction();
            hung.send(new ProducerRecord<>(topic, "held/ws.main", event()));
            hung.flush();
            String down = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        producer.send(event());
                        producer.flush();
                        return health(broadcaster);
                    }, body -> body.contains("the live feed has not advanced"));

            assertThat(down).contains("\"status\":\"DOWN\"").contains(topic + "-0")
                    .contains("fleet.broadcaster.health.stalled-after=PT3S").contains("transaction left open");

            hung.abortTransaction();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> health(broadcaster), body -> body.contains("\"status\":\"UP\""));
        }
    }

    @Test
    void shouldRefuseToStartNamingTheKeyOfABadHealthSetting() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BroadcasterApplication.class)
                .run("--server.port=0", "--fleet.broadcaster.kafka.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
                        "--fleet.broadcaster.health.stalled-after=0s"))
                .hasStackTraceContaining("fleet.broadcaster.health.stalled-after");
    }

    private EventNotification event() {
        return Events.of(EventType.AGENT_CONNECTED, "alice/ws.main").sequence(sequence.incrementAndGet()).build();
    }

    private static KafkaProducer<String, EventNotification> transactional() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaTestBroker.uniqueTopic("feed-health-txn"),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000),
                Topics.FLEET_EVENTS.keySerde().serializer(), Topics.FLEET_EVENTS.valueSerde().serializer());
    }

    private String health(RunningBroadcaster broadcaster) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(broadcaster.httpUrl() + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
