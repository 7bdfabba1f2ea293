package io.fleetevents.reliability.collect;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A raw STOMP-over-WebSocket session that sends whatever it is told — valid frames, wrong commands, random bytes —
 * and records the frames it gets back and whether the server closed the connection.
 */
public final class RawStompSession implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final List<StompFrame> frames = new ArrayList<>();
    private final StringBuilder buffer = new StringBuilder();
    private final WebSocket socket;
    private volatile boolean closed;

    private RawStompSession(URI uri) throws Exception {
        socket = HTTP.newWebSocketBuilder().subprotocols("v12.stomp").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        synchronized (frames) {
                            buffer.append(data);
                            frames.addAll(StompFrame.drain(buffer));
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closed = true;
                        return CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        closed = true;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    public static RawStompSession open(URI uri) throws Exception {
        return new RawStompSession(uri);
    }

    /** Sends text as one WebSocket message; a send failure means the server already closed. */
    public RawStompSession send(String text) {
        try {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            closed = true;
        }
        return this;
    }

    public RawStompSession sendBinary(byte[] bytes) {
        try {
            socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            closed = true;
        }
        return this;
    }

    public List<StompFrame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** The first frame with {@code command}, if any. */
    public StompFrame first(String command) {
        return frames().stream().filter(f -> f.command().equals(command)).findFirst().orElse(null);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
