package io.fleetevents.reliability.collect;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An SSE subscriber ({@code /api/events/stream}) that resumes with {@code Last-Event-ID} after any drop. */
public final class SseCollector extends HttpCollector {

    private volatile String lastId;
    private volatile InputStream body;
    private volatile int connects;

    /** @param params query parameters of the first request (filters, {@code replay_from}) */
    public SseCollector(String base, String token, Map<String, String> params) {
        super("sse", base, token, params);
        startDaemon("sse-collector", this::run);
    }

    private void run() {
        while (!closed) {
            String resume = lastId;
            String query = query(resume != null);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/events/stream?" + query))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
            if (resume != null) {
                request.header("Last-Event-ID", resume);
            }
            try {
                HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() != 200) {
                    body.close();
                    pause();
                    continue;
                }
                connects++;
                read(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
            } catch (Exception e) {
                // dropped: reconnect with the last id
            }
            pause();
        }
    }

    private void read(BufferedReader reader) throws java.io.IOException {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0 && (event == null || event.equals("message"))) {
                    record(Received.fromJson(data.toString()));
                    if (id != null) {
                        lastId = id;
                    }
                }
                id = null;
                event = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).stripLeading());
            }
        }
    }

    public int connects() {
        return connects;
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (java.io.IOException e) {
                // closing anyway
            }
        }
    }
}
