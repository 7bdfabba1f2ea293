package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.outbox.Outbox;
import io.fleetevents.broadcaster.replay.InvalidReplayException;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.InvalidFilterException;
import io.fleetevents.schemas.SubscriptionFilter;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.BufferingStompDecoder;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompConversionException;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.WebSocketSession;

/**
 * One STOMP client: the inbound protocol (frames, commands, authentication, subscriptions, heart-beats). What goes
 * out is queued and written by its {@link Outbox}, with {@link StompCodec}'s frames, into a {@link StompSink}.
 */
final class StompConnection implements SubscriptionTarget {

    private static final StompDecoder DECODER = new StompDecoder();
    static final String DESTINATION = StompCodec.DESTINATION;

    private final WebSocketSession session;
    private final StompContext context;
    private final BroadcasterProperties.Stomp config;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);
    private final StompSink sink;
    private final Outbox outbox;
    private BufferingStompDecoder decoder;
    private volatile Caller caller;
    private volatile boolean connected;
    private volatile long lastReadMillis = System.currentTimeMillis();
    private volatile long expectEveryMillis;

    StompConnection(WebSocketSession session, Session endpoint, StompContext context) {
        this.session = session;
        this.context = context;
        this.config = context.properties().stomp();
        this.sink = new StompSink(session, endpoint, config.sendTimeout().toMillis());
        this.outbox = new Outbox("STOMP " + session.getId(), context.codec(), sink, context.writers().assign(),
                context.outboxLimits(), context.subscriptions(), context.metrics(), subscriptions::values);
    }

    // ---- inbound ------------------------------------------------------------------------------------------------

    void onText(String payload) {
        onBytes(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
    }

    void onBytes(ByteBuffer bytes) {
        lastReadMillis = System.currentTimeMillis();
        if (outbox.isClosing()) {
            return;
        }
        if (decoder == null) {
            decoder = new BufferingStompDecoder(DECODER, context.properties().limits().maxFrameBytes());
        }
        List<Message<byte[]>> frames;
        try {
            frames = decoder.decode(bytes);
        } catch (StompConversionException e) {
            String reason = e.getMessage() != null && e.getMessage().contains("limit")
                    ? "frame larger than " + context.properties().limits().maxFrameBytes() + " bytes (fleet.broadcaster.limits.max-frame-bytes)"
                    : "malformed STOMP frame: " + e.getMessage();
            error(reason, null);
            return;
        } catch (IllegalArgumentException e) {
            // Spring's decoder throws this (not StompConversionException) for a command it does not know.
            error("malformed STOMP frame: unknown or unreadable command; STOMP 1.2 clients send CONNECT, STOMP, "
                    + "SUBSCRIBE, UNSUBSCRIBE and DISCONNECT here", null);
            return;
        }
        for (Message<byte[]> frame : frames) {
            if (outbox.isClosing()) {
                return;
            }
            StompHeaderAccessor headers = MessageHeaderAccessor.getAccessor(frame, StompHeaderAccessor.class);
            if (headers == null) {
                headers = StompHeaderAccessor.wrap(frame);
            }
            if (headers.isHeartbeat()) {
                continue;
            }
            handle(headers);
        }
    }

    private void handle(StompHeaderAccessor headers) {
        StompCommand command = headers.getCommand();
        if (command == null) {
            error("unknown STOMP command", headers.getReceipt());
            return;
        }
        if (!connected && command != StompCommand.CONNECT && command != StompCommand.STOMP) {
            error("send CONNECT first (got " + command + ")", headers.getReceipt());
            return;
        }
        switch (command) {
            case CONNECT, STOMP -> onConnect(headers);
            case SUBSCRIBE -> onSubscribe(headers);
            case UNSUBSCRIBE -> onUnsubscribe(headers);
            case DISCONNECT -> onDisconnect(headers);
            default -> error(command + " is not supported here: this endpoint only delivers events; SUBSCRIBE to "
                    + DESTINATION + " (acknowledgement mode is auto)", headers.getReceipt());
        }
    }

    private void onConnect(StompHeaderAccessor headers) {
        if (connected) {
            error("already connected", null);
            return;
        }
        Set<String> versions = headers.getAcceptVersion();
        if (versions != null && !versions.isEmpty() && !versions.contains("1.2") && !versions.contains("1.1")) {
            error("unsupported STOMP version " + versions + ": this server speaks 1.2 (and 1.1)", null);
            return;
        }
        String authorization = headers.getFirstNativeHeader("Authorization");
        if (authorization == null) {
            authorization = headers.getFirstNativeHeader("authorization");
        }
        Caller who;
        try {
            who = context.authenticator().authenticate(authorization, headers.getPasscode());
        } catch (AuthenticationFailedException e) {
            error(e.getMessage(), null);
            return;
        }
        String refused = context.limiter().tryAttach(who.name());
        if (refused != null) {
            error(refused, null);
            return;
        }
        caller = who;
        outbox.authenticated(who);
        connected = true;
        long[] clientBeats = headers.getHeartbeat();
        long serverSend = config.heartbeatSend().toMillis();
        long serverReceive = config.heartbeatReceive().toMillis();
        long clientSend = clientBeats.length > 0 ? clientBeats[0] : 0;
        long clientReceive = clientBeats.length > 1 ? clientBeats[1] : 0;
        outbox.heartbeatEvery(serverSend == 0 || clientReceive == 0 ? 0 : Math.max(serverSend, clientReceive));
        expectEveryMillis = clientSend == 0 || serverReceive == 0 ? 0 : Math.max(clientSend, serverReceive);
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("version", "1.2");
        reply.put("heart-beat", serverSend + "," + serverReceive);
        reply.put("server", "fleet-events-broadcaster");
        reply.put("session", session.getId());
        reply.put("user-name", who.name());
        outbox.control(StompFrames.frameBytes("CONNECTED", reply, null));
    }

    private void onSubscribe(StompHeaderAccessor headers) {
        String receipt = headers.getReceipt();
        String id = headers.getSubscriptionId();
        if (id == null || id.isBlank()) {
            error("SUBSCRIBE needs an id header", receipt);
            return;
        }
        String destination = headers.getDestination();
        if (!DESTINATION.equals(destination)) {
            error("unknown destination '" + destination + "': subscribe to " + DESTINATION, receipt);
            return;
        }
        if (subscriptions.containsKey(id)) {
            error("subscription id '" + id + "' is already in use on this connection", receipt);
            return;
        }
        int max = context.properties().limits().maxSubscriptionsPerConnection();
        if (subscriptions.size() >= max) {
            context.metrics().limitRefused();
            error("at most " + max + " subscriptions per connection (fleet.broadcaster.limits.max-subscriptions-per-connection)", receipt);
            return;
        }
        String ack = headers.getFirstNativeHeader("ack");
        if (ack != null && !ack.equals("auto")) {
            error("ack mode '" + ack + "' is not supported: use auto and resume with resume-token after a reconnect", receipt);
            return;
        }
        SubscriptionFilter filter;
        ReplayStart start;
        try {
            filter = filterOf(headers);
            start = ReplayStart.parse(headers.getFirstNativeHeader("resume-token"), headers.getFirstNativeHeader("replay-from"));
        } catch (InvalidFilterException | InvalidReplayException e) {
            error(e.getMessage(), receipt);
            return;
        }
        Subscription subscription;
        try {
            subscription = context.subscriptions().open(id, caller, filter, start, this);
        } catch (Subscriptions.NotReadyException e) {
            error(e.getMessage(), receipt);
            return;
        }
        subscriptions.put(id, subscription);
        if (outbox.isClosing()) {
            context.subscriptions().close(subscription);
            return;
        }
        if (receipt != null) {
            Map<String, String> reply = new LinkedHashMap<>();
            reply.put("receipt-id", receipt);
            reply.put("replay-gap", subscription.pendingGap() == null ? null : "true");
            reply.put("replay-earliest", subscription.pendingGap());
            outbox.control(StompFrames.frameBytes("RECEIPT", reply, null));
        }
    }

    private static SubscriptionFilter filterOf(StompHeaderAccessor headers) {
        String json = headers.getFirstNativeHeader("filter");
        String types = headers.getFirstNativeHeader("event-types");
        String agents = headers.getFirstNativeHeader("agent-ids");
        String severity = headers.getFirstNativeHeader("severity-min");
        if (json != null) {
            if (types != null || agents != null || severity != null) {
                throw new InvalidFilterException("send either the filter header or event-types/agent-ids/severity-min, not both");
            }
            return SubscriptionFilter.fromJson(json);
        }
        return SubscriptionFilter.fromParameters(types, agents, severity);
    }

    private void onUnsubscribe(StompHeaderAccessor headers) {
        String id = headers.getSubscriptionId();
        Subscription subscription = id == null ? null : subscriptions.remove(id);
        if (subscription == null) {
            error("no subscription with id '" + id + "' on this connection", headers.getReceipt());
            return;
        }
        context.subscriptions().close(subscription);
        receipt(headers.getReceipt());
    }

    private void onDisconnect(StompHeaderAccessor headers) {
        String receipt = headers.getReceipt();
        closeSubscriptions();
        if (receipt != null) {
            outbox.endWith(StompFrames.frameBytes("RECEIPT", Map.of("receipt-id", receipt), null));
        } else {
            sink.close(true);
        }
    }

    private void receipt(String receipt) {
        if (receipt != null) {
            outbox.control(StompFrames.frameBytes("RECEIPT", Map.of("receipt-id", receipt), null));
        }
    }

    /** Sends an ERROR frame naming the problem, then closes the connection (STOMP requires it). */
    void error(String message, String receiptId) {
        context.metrics().protocolError();
        closeSubscriptions();
        outbox.endWith(StompCodec.error(message, receiptId));
    }

    // ---- outbound: the outbox ----------------------------------------------------------------------------------

    @Override
    public void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        outbox.deliver(subscription, delivery, token, replayEarliest);
    }

    @Override
    public boolean awaitRoom() {
        return outbox.awaitRoom();
    }

    @Override
    public void replayFailed(Subscription subscription, String reason) {
        error("subscription " + subscription.id() + ": " + reason, null);
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /** The outbox's watchdogs and expiry, missed client heart-beats, then our own heart-beat. */
    void tick(long now) {
        if (!outbox.tick(now)) {
            return;
        }
        long expect = expectEveryMillis;
        if (expect > 0 && now - lastReadMillis > expect * 2 + 1_000) {
            error("no heart-beat from the client for " + (now - lastReadMillis) + " ms (negotiated " + expect + " ms)", null);
            return;
        }
        outbox.heartbeat(now);
    }

    private void closeSubscriptions() {
        for (Subscription subscription : subscriptions.values()) {
            context.subscriptions().close(subscription);
        }
    }

    /** Called once the WebSocket is closed, whoever closed it. */
    void closed() {
        outbox.closed();
        closeSubscriptions();
        subscriptions.clear();
        Caller who = caller;
        if (who != null) {
            caller = null;
            context.limiter().detach(who.name());
        }
    }

    String id() {
        return session.getId();
    }
}
