package io.fleetevents.reliability.collect;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A collector over plain HTTP (SSE, long-poll): the broadcaster's base URL and token, the query of its first request,
 * and a loop that retries after a short pause whenever a request fails.
 */
abstract class HttpCollector extends RecordingCollector {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final String base;
    final String token;
    private final Map<String, String> params;
    volatile boolean closed;

    /** @param params query parameters of the first request (filters, {@code replay_from}) */
    HttpCollector(String transport, String base, String token, Map<String, String> params) {
        super(transport);
        this.base = base;
        this.token = token;
        this.params = Map.copyOf(params);
    }

    /** The query string: the filters, and {@code replay_from} only while there is no position to resume from. */
    final String query(boolean resuming) {
        return params.entrySet().stream()
                .filter(e -> !resuming || !e.getKey().equals("replay_from"))
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Waits 200 ms before the next attempt, unless closing. */
    final void pause() {
        if (!closed) {
            LockSupport.parkNanos(200_000_000L);
        }
    }
}
