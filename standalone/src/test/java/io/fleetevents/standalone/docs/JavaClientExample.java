package io.fleetevents.standalone.docs;

import java.lang.reflect.Type;
import java.util.function.BiConsumer;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.FleetJson;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * The Java client of docs/clients.md. The region between the snippet markers is copied verbatim into the doc
 * (ClientDocsTest checks that), and StandaloneStackIT runs it against a running stack.
 */
public final class JavaClientExample {

    private JavaClientExample() {
    }

    /** Subscribes and hands every event and its resume token to {@code onEvent}; returns the session. */
    public static StompSession subscribe(String url, String token, String resumeToken,
                                         BiConsumer<EventNotification, String> onEvent) throws Exception {
        // snippet:java:start
        WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
        client.setMessageConverter(new JacksonJsonMessageConverter(FleetJson.mapper())); // schemas jar: typed events

        StompHeaders connect = new StompHeaders();
        connect.setPasscode(token);                          // or: Authorization: Bearer <token> on the WebSocket upgrade

        StompSession session = client.connectAsync(url, new WebSocketHttpHeaders(), connect,
                new StompSessionHandlerAdapter() { }).get();

        StompHeaders subscribe = new StompHeaders();
        subscribe.setDestination("/topic/events");
        subscribe.set("event-types", "AGENT_FAILURE,AGENT_CONNECTED,TASK_COMPLETION,TASK_FAILURE");
        subscribe.set("agent-ids", "*");                     // e.g. "alice/*", "*.main", an agent UUID
        subscribe.set("severity-min", "INFO");
        if (resumeToken != null) {
            subscribe.set("resume-token", resumeToken);      // continue exactly after the last event seen
        } else {
            subscribe.set("replay-from", "earliest");        // or an RFC 3339 time, or omit for live only
        }
        session.subscribe(subscribe, new StompSessionHandlerAdapter() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return EventNotification.class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                EventNotification event = (EventNotification) payload;
                onEvent.accept(event, headers.getFirst("resume-token")); // keep the token to resume later
            }
        });
        // snippet:java:end
        return session;
    }
}
