package io.fleetevents.broadcaster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.testing.Events;
import io.fleetevents.testing.KafkaTestBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** SSE and long-poll end to end: same filters, tokens, scope and resume semantics as STOMP. */
class HttpTransportsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static String topic;
    private static RunningBroadcaster broadcaster;
    private static EventProducer producer;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    static void start() {
        topic = KafkaTestBroker.newTopic("http-events", 2);
        broadcaster = RunningBroadcaster.start(topic, Map.of());
        producer = new EventProducer(topic);
    }

    @AfterAll
    static void stop() {
        producer.close();
        broadcaster.close();
    }

    private static EventNotification event(String path) {
        return Events.of(EventType.AGENT_FAILURE, path).sequence(sequence.incrementAndGet()).build();
    }

    private static HttpResponse<String> get(String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broadcaster.httpUrl() + pathAndQuery)).timeout(WAIT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("events").forEach(e -> ids.add(e.get("event_id").asString()));
        return ids;
    }

    @Test
    void shouldLongPollOnlyTheTokensScopeAndContinueExactlyFromNext() throws Exception {
        JsonNode empty = FleetJson.mapper().readTree(get("/api/events?agent_ids=*", RunningBroadcaster.ALICE).body());
        String next = empty.get("next").asString();
        EventNotification alices = event("alice/poll.main");
        EventNotification bobs = event("bob/poll.main");
        EventNotification alices2 = event("alice/poll2.main");
        producer.send(alices);
        producer.send(bobs);
        producer.send(alices2);
        producer.flush();

        List<String> seen = new ArrayList<>();
        String cursor = next;
        while (seen.size() < 2) {
            JsonNode page = FleetJson.mapper().readTree(
                    get("/api/events?after=" + cursor + "&limit=1&wait=5s&agent_ids=*", RunningBroadcaster.ALICE).body());
            seen.addAll(ids(page));
            cursor = page.get("next").asString();
        }

        assertThat(seen).containsExactlyInAnyOrder(alices.eventId(), alices2.eventId());
        JsonNode after = FleetJson.mapper().readTree(get("/api/events?after=" + cursor + "&wait=1s", RunningBroadcaster.ALICE).body());
        assertThat(ids(after)).isEmpty();
        JsonNode bobView = FleetJson.mapper().readTree(get("/api/events?after=" + next + "&wait=1s", RunningBroadcaster.BOB).body());
        assertThat(ids(bobView)).containsExactly(bobs.eventId());
    }

    @Test
    void shouldStreamServerSentEventsWithResumeTokenIdsAndResumeFromLastEventId() throws Exception {
        List<String[]> events = new CopyOnWriteArrayList<>();
        Thread reader = sseReader("/api/events/stream?agent_ids=" + URLEncoder.encode("carol/*", StandardCharsets.UTF_8),
                RunningBroadcaster.ADMIN, null, events);
        EventNotification ping = event("carol/ping.main");
        await().atMost(WAIT).until(() -> {
            producer.send(ping);
            producer.flush();
            return events.stream().anyMatch(e -> e[1].contains(ping.eventId()));
        });
        EventNotification bobs = event("bob/sse.main");
        EventNotification carols = event("carol/sse.main");
        producer.send(bobs);
        producer.send(carols);
        producer.flush();
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e[1].contains(carols.eventId())));
        reader.interrupt();
        String lastId = events.stream().filter(e -> e[1].contains(carols.eventId())).findFirst().orElseThrow()[0];
        EventNotification missed = event("carol/missed.main");
        producer.send(missed);
        producer.flush();

        List<String[]> resumed = new CopyOnWriteArrayList<>();
        Thread again = sseReader("/api/events/stream?agent_ids=carol/*", RunningBroadcaster.ADMIN, lastId, resumed);

        await().atMost(WAIT).until(() -> resumed.stream().anyMatch(e -> e[1].contains(missed.eventId())));
        assertThat(resumed).hasSize(1);
        assertThat(events).noneMatch(e -> e[1].contains(bobs.eventId()));
        again.interrupt();
    }

    @Test
    void shouldNotStreamAnotherTeamsAgentsOverSse() throws Exception {
        List<String[]> events = new CopyOnWriteArrayList<>();
        Thread reader = sseReader("/api/events/stream?replay_from=earliest", RunningBroadcaster.BOB, null, events);
        EventNotification bobs = event("bob/sse-scope.main");
        producer.send(event("alice/sse-scope.main"));
        producer.send(bobs);
        producer.flush();

        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e[1].contains(bobs.eventId())));
        assertThat(events).allSatisfy(e -> assertThat(e[1]).contains("\"owner\":\"bob\""));
        reader.interrupt();
    }

    @Test
    void shouldAdmitAJwtOnSseAndLongPollAndEndTheStreamWhenItExpires() throws Exception {
        Instant expiry = Instant.now().plusSeconds(5);
        String jwt = RunningBroadcaster.jwt("alice-sse", List.of("alice"), expiry);
        EventNotification alices = event("alice/sse-jwt.main");
        producer.send(event("bob/sse-jwt.main"));
        producer.send(alices);
        producer.flush();
        List<String[]> events = new CopyOnWriteArrayList<>();

        Thread reader = sseReader("/api/events/stream?replay_from=earliest", jwt, null, events);

        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e[1].contains(alices.eventId())));
        JsonNode polled = FleetJson.mapper().readTree(get("/api/events?replay_from=earliest&limit=1000&agent_ids=*", jwt).body());
        assertThat(polled.get("events")).isNotEmpty().allSatisfy(e -> assertThat(e.get("agent").get("owner").asString()).isEqualTo("alice"));
        await().atMost(WAIT).until(() -> !reader.isAlive()); // the server ends the stream at expiry
        assertThat(Instant.now()).isAfterOrEqualTo(expiry.truncatedTo(ChronoUnit.SECONDS));
        assertThat(events.get(events.size() - 1)[1]).contains("credential expired at");
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> assertThat(e[1]).contains("\"owner\":\"alice\""));
        HttpResponse<String> expired = get("/api/events", jwt);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("invalid JWT").contains("expired");
    }

    @Test
    void shouldAnswerBadRequestsWithStatusesThatSayWhatToFix() throws Exception {
        HttpResponse<String> noToken = get("/api/events", null);
        HttpResponse<String> badType = get("/api/events?event_types=NOPE", RunningBroadcaster.ADMIN);
        HttpResponse<String> badToken = get("/api/events?after=%21%21", RunningBroadcaster.ADMIN);
        HttpResponse<String> badWait = get("/api/events?wait=forever", RunningBroadcaster.ADMIN);
        HttpResponse<String> sseBad = get("/api/events/stream?severity_min=LOUD", RunningBroadcaster.ADMIN);

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(badType.statusCode()).isEqualTo(400);
        assertThat(badType.body()).contains("unknown event type 'NOPE'");
        assertThat(badToken.statusCode()).isEqualTo(400);
        assertThat(badToken.body()).contains("malformed resume token");
        assertThat(badWait.statusCode()).isEqualTo(400);
        assertThat(sseBad.statusCode()).isEqualTo(400);
        assertThat(sseBad.body()).contains("unknown severity");
    }

    /** Reads an SSE stream on a thread, collecting (id, data) pairs. */
    private static Thread sseReader(String path, String token, String lastEventId, List<String[]> sink) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broadcaster.httpUrl() + path))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread thread = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String id = null;
                StringBuilder data = new StringBuilder();
                String line;
                while (!Thread.currentThread().isInterrupted() && (line = lines.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        id = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5));
                    } else if (line.isEmpty() && data.length() > 0) {
                        sink.add(new String[] {id, data.toString()});
                        data.setLength(0);
                        id = null;
                    }
                }
            } catch (java.io.IOException e) {
                // stream closed
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
