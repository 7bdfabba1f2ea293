package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.outbox.Sink;
import jakarta.websocket.Session;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/** A STOMP connection's WebSocket: each write one text message. */
final class StompSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(StompSink.class);

    private final WebSocketSession session;
    private final TextFrameSender sender;

    StompSink(WebSocketSession session, Session endpoint, long sendTimeoutMillis) {
        this.session = session;
        this.sender = new TextFrameSender(endpoint, sendTimeoutMillis);
    }

    @Override
    public void send(byte[] bytes, int length, Completion done) {
        sender.send(bytes, length, result -> done.completed(result.isOK() ? null
                : result.getException() != null ? result.getException() : new IOException("write failed")));
    }

    @Override
    public boolean timesOutItsWrites() {
        return !sender.watchesItsOwnWrites();
    }

    @Override
    public void abortWrite() {
        sender.abortStuckWrite(); // closes the socket; the write's completion then closes the session
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
