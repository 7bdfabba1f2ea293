package io.fleetevents.reliability.collect;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Today's polling workflow: {@code GET /api/events?after=<next>&wait=…} in a loop, retrying on any failure. */
public final class LongPollCollector implements Collector {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String base;
    private final String token;
    private final Map<String, String> params;
    private final List<Received> received = new ArrayList<>();
    private final Thread thread;
    private volatile String next;
    private volatile boolean closed;

    /** @param params query parameters of the first request (filters, {@code replay_from}) */
    public LongPollCollector(String base, String token, Map<String, String> params) {
        this.base = base;
        this.token = token;
        this.params = Map.copyOf(params);
        thread = new Thread(this::run, "long-poll-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            String after = next;
            String query = params.entrySet().stream()
                    .filter(e -> after == null || !e.getKey().equals("replay_from"))
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
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
                synchronized (received) {
                    received.addAll(batch);
                }
                if (page.path("next").isString()) {
                    next = page.path("next").asString();
                }
            } catch (Exception e) {
                pause();
            }
        }
    }

    private void pause() {
        if (!closed) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
    }

    @Override
    public String transport() {
        return "long-poll";
    }

    @Override
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
