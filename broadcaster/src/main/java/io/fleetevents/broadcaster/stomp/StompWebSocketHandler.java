package io.fleetevents.broadcaster.stomp;

import jakarta.websocket.Session;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Binds WebSocket sessions to {@link StompConnection}s. Partial messages are accepted so the container's per-session
 * message buffers can stay small; the STOMP decoder re-assembles frames up to the configured frame limit.
 */
public final class StompWebSocketHandler implements WebSocketHandler, SubProtocolCapable {

    private static final String CONNECTION = StompConnection.class.getName();

    private final StompContext context;
    private final Set<StompConnection> connections = ConcurrentHashMap.newKeySet();

    StompWebSocketHandler(StompContext context) {
        this.context = context;
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of("v12.stomp", "v11.stomp", "v10.stomp");
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws Exception {
        Session endpoint = ((NativeWebSocketSession) session).getNativeSession(Session.class);
        if (endpoint == null) {
            session.close(CloseStatus.SERVER_ERROR.withReason("unsupported WebSocket container"));
            return;
        }
        String refused = context.limiter().tryOpen();
        if (refused != null) {
            session.close(new CloseStatus(1013, refused));
            return;
        }
        StompConnection connection = new StompConnection(session, endpoint, context);
        session.getAttributes().put(CONNECTION, connection);
        connections.add(connection);
    }

    @Override
    public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
        StompConnection connection = (StompConnection) session.getAttributes().get(CONNECTION);
        if (connection == null) {
            return;
        }
        if (message instanceof TextMessage text) {
            connection.onText(text.getPayload());
        } else if (message instanceof BinaryMessage binary) {
            connection.onBytes(binary.getPayload());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
        if (session.isOpen()) {
            session.close(CloseStatus.SERVER_ERROR);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
        StompConnection connection = (StompConnection) session.getAttributes().remove(CONNECTION);
        if (connection != null && connections.remove(connection)) {
            connection.closed();
            context.limiter().closed();
        }
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    /** Runs heart-beats and stuck-connection checks for every connection. */
    void tick() {
        long now = System.currentTimeMillis();
        for (StompConnection connection : connections) {
            connection.tick(now);
        }
    }
}
