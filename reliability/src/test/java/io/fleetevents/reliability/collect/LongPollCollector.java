package io.fleetevents.reliability.collect;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Today's polling workflow: {@code GET /api/events?after=<next>&wait=…} in a loop, retrying on any failure. */
public final class LongPollCollector extends HttpCollector {

    private final Thread thread;
    private volatile String next;

    /** @param params query parameters of the first request (filters, {@code replay_from}) */
    public LongPollCollector(String base, String token, Map<String, String> params) {
        super("long-poll", base, token, params);
        thread = startDaemon("long-poll-collector", this::run);
    }

    private void run() {
        while (!closed) {
            String after = next;
            String query = query(after != null);
            if (after != null) {
                query += "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                                URI.create(base + "/api/events?limit=200&wait=2s&" + query))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    pause();
                    continue;
                }
                JsonNode page = Received.json().readTree(response.body());
                List<Received> batch = new ArrayList<>();
                for (JsonNode event : page.path("events")) {
                    batch.add(Received.fromJson(event.toString()));
                }
                recordAll(batch);
                if (page.path("next").isString()) {
                    next = page.path("next").asString();
                }
            } catch (Exception e) {
                pause();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
