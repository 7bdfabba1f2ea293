package io.fleetevents.codersim.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.CoderSimConfig;
import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The watch, the build stream and the webhook sender over real HTTP, in Coder's formats. */
class WatchEndpointsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private CoderSim sim() {
        CoderSim sim = CoderSim.start(CoderSimConfig.builder().workspaces(0).scripted().build());
        closeables.add(sim);
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        return sim;
    }

    /** Reads a stream's SSE events ({@code type} + {@code data}) on a thread of its own; "end" when it ends. */
    private BlockingQueue<String[]> events(CoderSim sim, String path) throws Exception {
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(sim.url() + path))
                .header("Coder-Session-Token", sim.token()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String type = null;
                String data = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data = line.substring(6);
                    } else if (line.isEmpty() && type != null) {
                        events.add(new String[] {type, data});
                        type = null;
                        data = null;
                    }
                }
            } catch (java.io.IOException e) {
                // the stream ended
            }
            events.add(new String[] {"end", null});
        });
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    private static String[] next(BlockingQueue<String[]> events) throws InterruptedException {
        String[] event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 s").isNotNull();
        return event;
    }

    @Test
    void shouldSendAPingThenTheWorkspaceThenEachChangeAndEndWhenDropped() throws Exception {
        CoderSim sim = sim();
        UUID id = sim.workspaceId("alice/ws");

        BlockingQueue<String[]> events = events(sim, "/api/v2/workspaces/" + id + "/watch");

        assertThat(next(events)[0]).isEqualTo("ping");
        String[] first = next(events);
        assertThat(first[0]).isEqualTo("data");
        assertThat(JSON.readTree(first[1]).path("id").asString()).isEqualTo(id.toString());
        sim.reportAppStatus("alice/ws.main", "working", "on it");
        String[] change = next(events);
        assertThat(change[0]).isEqualTo("data");
        JsonNode status = JSON.readTree(change[1]).path("latest_app_status");
        assertThat(status.path("state").asString()).isEqualTo("working");
        assertThat(sim.watchStats()).containsEntry("watches", 1);
        assertThat(sim.dropWatches()).isEqualTo(1);
        assertThat(next(events)[0]).isEqualTo("end");
    }

    @Test
    void shouldSendAnErrorEventWhenTheWatchedWorkspaceIsDeleted() throws Exception {
        CoderSim sim = sim();
        UUID id = sim.workspaceId("alice/ws");
        BlockingQueue<String[]> events = events(sim, "/api/v2/workspaces/" + id + "/watch");
        next(events);
        next(events);

        sim.deleteWorkspace("alice/ws");

        String[] error = next(events);
        assertThat(error[0]).isEqualTo("error");
        assertThat(JSON.readTree(error[1]).path("message").asString()).isEqualTo("Internal error fetching workspace.");
    }

    @Test
    void shouldStreamBuildUpdatesWhileTheExperimentIsOnAndAnswer403WhenOff() throws Exception {
        CoderSim sim = sim();
        BlockingQueue<String[]> events = events(sim, "/api/experimental/watch-all-workspacebuilds");
        assertThat(next(events)[0]).isEqualTo("ping");

        sim.failBuild("alice/ws", "terraform apply: quota exceeded");

        String[] update = next(events);
        assertThat(update[0]).isEqualTo("data");
        JsonNode build = JSON.readTree(update[1]);
        assertThat(build.path("workspace_id").asString()).isEqualTo(sim.workspaceId("alice/ws").toString());
        assertThat(build.path("transition").asString()).isEqualTo("start");
        assertThat(build.path("job_status").asString()).isEqualTo("failed");
        assertThat(build.path("build_number").asInt()).isPositive();
        sim.buildUpdatesExperiment(false);
        assertThat(next(events)[0]).isEqualTo("end");
        HttpResponse<String> off = http.send(HttpRequest.newBuilder(URI.create(sim.url()
                        + "/api/experimental/watch-all-workspacebuilds")).header("Coder-Session-Token", sim.token())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(off.statusCode()).isEqualTo(403);
    }

    @Test
    void shouldEndTheStreamsWhenCoderFailsAsAWholeAndFailTheirReopeningButNotForAReadPathFault() throws Exception {
        CoderSim sim = sim();
        String watch = "/api/v2/workspaces/" + sim.workspaceId("alice/ws") + "/watch";
        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 1_000).on("/api/v2/workspaces"));
        BlockingQueue<String[]> events = events(sim, watch);
        assertThat(next(events)[0]).as("a read-path fault leaves the watch alone").isEqualTo("ping");
        assertThat(next(events)[0]).isEqualTo("data");

        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 1_000));

        assertThat(next(events)[0]).isEqualTo("end");
        for (String path : List.of(watch, "/api/experimental/watch-all-workspacebuilds")) {
            HttpResponse<String> reopened = http.send(HttpRequest.newBuilder(URI.create(sim.url() + path))
                    .header("Coder-Session-Token", sim.token()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(reopened.statusCode()).as(path).isEqualTo(500);
        }
    }

    @Test
    void shouldRefuseAWatchWithoutTheToken() throws Exception {
        CoderSim sim = sim();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sim.url() + "/api/v2/workspaces/"
                + sim.workspaceId("alice/ws") + "/watch")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldPostCodersWebhookPayloadWithTheMessageIdAndRedeliverItUnchanged() throws Exception {
        CoderSim sim = sim();
        BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String[] {exchange.getRequestHeaders().getFirst("X-Message-Id"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        closeables.add(() -> receiver.stop(0));
        sim.webhookEndpoint(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"));

        sim.failBuild("alice/ws", "boom");
        String[] first = received.poll(10, TimeUnit.SECONDS);
        UUID messageId = UUID.fromString(first[0]);
        sim.redeliverNotification(messageId);
        String[] again = received.poll(10, TimeUnit.SECONDS);

        JsonNode body = JSON.readTree(first[1]);
        assertThat(body.path("msg_id").asString()).isEqualTo(first[0]);
        assertThat(body.path("payload").path("notification_template_id").asString())
                .isEqualTo("2faeee0f-26cb-4e96-821c-85ccb9f71513");
        assertThat(body.path("payload").path("targets").get(0).asString())
                .isEqualTo(sim.workspaceId("alice/ws").toString());
        assertThat(again[0]).isEqualTo(first[0]);
        assertThat(again[1]).isEqualTo(first[1]);
        assertThat(sim.webhookStatuses()).containsExactly(204, 204);
    }
}
