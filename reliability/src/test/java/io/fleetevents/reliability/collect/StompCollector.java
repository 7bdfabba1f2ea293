package io.fleetevents.reliability.collect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A superagent: a STOMP 1.2 subscriber over a real WebSocket (the JDK client, so the same codec also serves the
 * fuzzer) that keeps the {@code resume-token} of the last MESSAGE and, whenever its connection drops — broadcaster
 * restart, network cut, slow-consumer ERROR — reconnects and subscribes again with that token.
 */
public final class StompCollector extends RecordingCollector {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ScheduledExecutorService RECONNECTS = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "stomp-collector-reconnect");
        t.setDaemon(true);
        return t;
    });

    private final URI uri;
    private final String token;
    private final Map<String, String> subscribeHeaders;
    private final List<String> errors = new ArrayList<>();
    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger generations = new AtomicInteger();
    private final AtomicInteger current = new AtomicInteger();
    private volatile String lastToken;
    private volatile boolean subscribed;
    private volatile boolean closed;
    private volatile boolean paused;
    private volatile WebSocket socket;
    private final Map<String, AtomicInteger> frameCounts = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String lastEvent = "created";
    private volatile long lastEventNanos = System.nanoTime();

    /**
     * @param subscribeHeaders filter and start headers of the first SUBSCRIBE (e.g. {@code replay-from: earliest});
     *                         later SUBSCRIBEs carry {@code resume-token} instead of the start header
     */
    public StompCollector(URI uri, String token, Map<String, String> subscribeHeaders) {
        super("stomp");
        this.uri = uri;
        this.token = token;
        this.subscribeHeaders = Map.copyOf(subscribeHeaders);
        connect();
    }

    private void connect() {
        if (closed) {
            return;
        }
        int gen = generations.incrementAndGet();
        current.set(gen);
        subscribed = false;
        note("connecting (generation " + gen + ")");
        Listener listener = new Listener(gen);
        HTTP.newWebSocketBuilder().subprotocols("v12.stomp").connectTimeout(Duration.ofSeconds(3))
                .buildAsync(uri, listener)
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        note("handshake failed: " + failure);
                        retry(gen);
                        return;
                    }
                    socket = ws;
                    connects.incrementAndGet();
                    Map<String, String> connect = new LinkedHashMap<>();
                    connect.put("accept-version", "1.2");
                    connect.put("host", "localhost");
                    connect.put("passcode", token);
                    connect.put("heart-beat", "0,0");
                    note("open, CONNECT sent");
                    listener.send(ws, "CONNECT", StompFrame.of("CONNECT", connect).encode());
                });
    }

    private void retry(int gen) {
        // one reconnect per dropped connection, however many of onClose/onError/connect failure report it
        if (!closed && current.compareAndSet(gen, 0)) {
            RECONNECTS.schedule(this::connect, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void note(String event) {
        lastEvent = event;
        lastEventNanos = System.nanoTime();
    }

    private void onFrame(Listener connection, WebSocket ws, StompFrame frame) {
        frameCounts.computeIfAbsent(frame.command(), k -> new AtomicInteger()).incrementAndGet();
        if (!frame.command().equals("MESSAGE")) {
            note(frame.command() + " received");
        }
        switch (frame.command()) {
            case "CONNECTED" -> {
                Map<String, String> sub = new LinkedHashMap<>();
                sub.put("id", "0");
                sub.put("destination", "/topic/events");
                sub.put("receipt", "sub-0");
                String resume = lastToken;
                subscribeHeaders.forEach((k, v) -> {
                    if (resume == null || !(k.equals("replay-from") || k.equals("resume-token"))) {
                        sub.put(k, v);
                    }
                });
                if (resume != null) {
                    sub.put("resume-token", resume);
                }
                connection.send(ws, "SUBSCRIBE", StompFrame.of("SUBSCRIBE", sub).encode());
            }
            case "RECEIPT" -> subscribed = true;
            case "MESSAGE" -> {
                record(Received.fromJson(frame.body()));
                lastToken = frame.header("resume-token");
            }
            case "ERROR" -> {
                synchronized (errors) {
                    errors.add(frame.header("message"));
                }
            }
            default -> {
                // nothing else is expected
            }
        }
    }

    /** Its state, for a failure message: connections, frames by command, errors and the last thing that happened. */
    public String describe() {
        return String.format("connects=%d subscribed=%s frames=%s errors=%s last='%s' %d ms ago", connects.get(),
                subscribed, frameCounts, errors(), lastEvent, (System.nanoTime() - lastEventNanos) / 1_000_000);
    }

    /** Connected and subscribed (SUBSCRIBE receipt seen) on the current connection. */
    public boolean subscribed() {
        return subscribed;
    }

    /** The resume token of the last MESSAGE received. */
    public String lastResumeToken() {
        return lastToken;
    }

    /** How many WebSocket connections it opened (1 + reconnects). */
    public int connects() {
        return connects.get();
    }

    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Stops reading from the socket (a stuck client): the server's send buffer for it fills up. */
    public void pause() {
        paused = true;
    }

    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final int gen;
        private final StringBuilder buffer = new StringBuilder();
        private CompletableFuture<WebSocket> sends = CompletableFuture.completedFuture(null);

        Listener(int gen) {
            this.gen = gen;
        }

        /**
         * Sends after this connection's previous send completed: the JDK WebSocket allows one outstanding send and
         * fails a second one ({@code IllegalStateException: Send pending}) — which happens when CONNECTED is read
         * before the CONNECT's own send completion has run, and would leave the SUBSCRIBE unsent.
         */
        synchronized void send(WebSocket ws, String what, String frame) {
            sends = sends.handle((w, e) -> ws).thenCompose(w -> w.sendText(frame, true));
            sends.whenComplete((sent, error) -> {
                if (error != null) {
                    note(what + " not sent: " + error);
                }
            });
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            for (StompFrame frame : StompFrame.drain(buffer)) {
                onFrame(this, ws, frame);
            }
            if (!paused) {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            note("closed by server: " + statusCode + " " + reason);
            subscribed = false;
            retry(gen);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            note("error: " + error);
            subscribed = false;
            retry(gen);
        }
    }
}
