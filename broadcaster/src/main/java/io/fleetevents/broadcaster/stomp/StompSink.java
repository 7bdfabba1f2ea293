package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.outbox.Sink;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A STOMP connection's WebSocket: each write one text message, sent with the standard non-blocking
 * {@link RemoteEndpoint.Async#sendText(String, jakarta.websocket.SendHandler)}. The container times each write out
 * after the send timeout and fails it with a timeout, which the outbox counts as a stuck client.
 */
final class StompSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(StompSink.class);

    private final WebSocketSession session;
    private final RemoteEndpoint.Async remote;

    StompSink(WebSocketSession session, Session endpoint, long sendTimeoutMillis) {
        this.session = session;
        this.remote = endpoint.getAsyncRemote();
        remote.setSendTimeout(sendTimeoutMillis);
    }

    @Override
    public void send(byte[] bytes, int length, Completion done) {
        remote.sendText(new String(bytes, 0, length, StandardCharsets.UTF_8), result -> done.completed(result.isOK() ? null
                : result.getException() != null ? result.getException() : new IOException("write failed")));
    }

    @Override
    public boolean timesOutItsWrites() {
        return true;
    }

    @Override
    public void close(boolean clean) {
        try {
            session.close(clean ? CloseStatus.NORMAL : CloseStatus.SESSION_NOT_RELIABLE);
        } catch (IOException | IllegalStateException e) {
            log.debug("closing {}: {}", session.getId(), e.toString());
        }
    }
}
