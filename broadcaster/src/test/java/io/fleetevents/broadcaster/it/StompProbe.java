package io.fleetevents.broadcaster.it;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/** A real STOMP client (Spring's WebSocketStompClient over a real socket) that records what it receives. */
final class StompProbe implements AutoCloseable {

    record Frame(StompHeaders headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    final List<Frame> messages = new CopyOnWriteArrayList<>();
    final List<Frame> errors = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final WebSocketStompClient client;
    private final ThreadPoolTaskScheduler scheduler;
    private StompSession session;
    volatile Runnable onMessage = () -> { };

    private StompProbe() {
        jakarta.websocket.WebSocketContainer container = jakarta.websocket.ContainerProvider.getWebSocketContainer();
        container.setDefaultMaxTextMessageBufferSize(1 << 20);
        client = new WebSocketStompClient(new StandardWebSocketClient(container));
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setDaemon(true);
        scheduler.initialize();
        client.setTaskScheduler(scheduler);
        client.setInboundMessageSizeLimit(16 * 1024 * 1024);
    }

    /** Connects with {@code Authorization: Bearer token} (or passcode when asked); waits for CONNECTED or failure. */
    static StompProbe connect(String url, String token, boolean asPasscode) {
        StompProbe probe = new StompProbe();
        StompHeaders headers = new StompHeaders();
        if (token != null) {
            if (asPasscode) {
                headers.setPasscode(token);
            } else {
                headers.set("Authorization", "Bearer " + token);
            }
        }
        try {
            probe.session = probe.client.connectAsync(url, new WebSocketHttpHeaders(), headers, probe.new Handler())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            probe.failures.add(e);
        }
        return probe;
    }

    static StompProbe connect(String url, String token) {
        return connect(url, token, false);
    }

    boolean connected() {
        return session != null && session.isConnected();
    }

    /** SUBSCRIBE to /topic/events with extra headers (name, value, name, value...). */
    void subscribe(String id, String... headerPairs) {
        StompHeaders headers = new StompHeaders();
        headers.setDestination("/topic/events");
        headers.setId(id);
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.set(headerPairs[i], headerPairs[i + 1]);
        }
        session.subscribe(headers, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders h) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders h, Object payload) {
                onMessage.run();
                messages.add(new Frame(h, new String((byte[]) payload, StandardCharsets.UTF_8)));
            }
        });
    }

    List<String> eventIds() {
        return messages.stream().map(f -> f.header("event-id")).toList();
    }

    String lastToken() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1).header("resume-token");
    }

    String firstError() {
        return errors.isEmpty() ? null : errors.get(0).header("message");
    }

    @Override
    public void close() {
        if (session != null && session.isConnected()) {
            try {
                session.disconnect();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        client.stop();
        scheduler.shutdown();
    }

    private final class Handler extends StompSessionHandlerAdapter {
        @Override
        public Type getPayloadType(StompHeaders headers) {
            return byte[].class;
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            errors.add(new Frame(headers, payload == null ? "" : new String((byte[]) payload, StandardCharsets.UTF_8)));
        }

        @Override
        public void handleException(StompSession s, StompCommand command, StompHeaders headers, byte[] payload, Throwable e) {
            failures.add(e);
        }

        @Override
        public void handleTransportError(StompSession s, Throwable e) {
            failures.add(e);
        }
    }
}
