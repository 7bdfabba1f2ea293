package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.replay.InvalidReplayException;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.InvalidFilterException;
import io.fleetevents.schemas.SubscriptionFilter;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.BufferingStompDecoder;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompConversionException;
import org.springframework.messaging.simp.stomp.StompDecoder;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * One STOMP client. Inbound frames arrive on the container's thread for this session (one at a time); outbound frames
 * are queued (bounded) and written by {@link #pump()} with non-blocking sends, several frames per WebSocket message
 * when they pile up.
 */
final class StompConnection implements SubscriptionTarget {

    private static final Logger log = LoggerFactory.getLogger(StompConnection.class);
    private static final StompDecoder DECODER = new StompDecoder();
    static final String DESTINATION = "/topic/events";

    private final WebSocketSession session;
    private final Session endpoint;
    private final StompContext context;
    private final BroadcasterProperties.Stomp config;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>(2);
    private final AtomicBoolean writing = new AtomicBoolean();
    private final StompWriters.Worker writer;
    private final TextFrameSender sender;
    private BufferingStompDecoder decoder;
    private volatile Caller caller;
    private volatile boolean connected;

    // guarded by this
    private ArrayDeque<Outgoing> queue;
    private volatile long queuedBytes;
    private volatile int queuedFrames;
    private volatile boolean closing;

    private volatile long lastWriteMillis = System.currentTimeMillis();
    private volatile long writeStartedMillis; // 0 when no write is in flight
    private volatile boolean writeAborted;
    private volatile long lastReadMillis = System.currentTimeMillis();
    private volatile long closingSinceMillis;
    private volatile long sendEveryMillis;
    private volatile long expectEveryMillis;

    StompConnection(WebSocketSession session, Session endpoint, StompContext context) {
        this.session = session;
        this.endpoint = endpoint;
        this.context = context;
        this.config = context.properties().stomp();
        this.writer = context.writers().assign();
        this.sender = new TextFrameSender(endpoint, config.sendTimeout().toMillis());
    }

    // ---- inbound ------------------------------------------------------------------------------------------------

    void onText(String payload) {
        onBytes(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
    }

    void onBytes(ByteBuffer bytes) {
        lastReadMillis = System.currentTimeMillis();
        if (closingNow()) {
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
                    ? "frame larger than " + context.properties().limits().maxFrameBytes() + " bytes (broadcaster.limits.max-frame-bytes)"
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
            if (closingNow()) {
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
        connected = true;
        long[] clientBeats = headers.getHeartbeat();
        long serverSend = config.heartbeatSend().toMillis();
        long serverReceive = config.heartbeatReceive().toMillis();
        long clientSend = clientBeats.length > 0 ? clientBeats[0] : 0;
        long clientReceive = clientBeats.length > 1 ? clientBeats[1] : 0;
        sendEveryMillis = serverSend == 0 || clientReceive == 0 ? 0 : Math.max(serverSend, clientReceive);
        expectEveryMillis = clientSend == 0 || serverReceive == 0 ? 0 : Math.max(clientSend, serverReceive);
        Map<String, String> reply = new LinkedHashMap<>();
        reply.put("version", "1.2");
        reply.put("heart-beat", serverSend + "," + serverReceive);
        reply.put("server", "fleet-events-broadcaster");
        reply.put("session", session.getId());
        reply.put("user-name", who.name());
        enqueue(Outgoing.control(StompFrames.frame("CONNECTED", reply, null)), true);
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
            error("at most " + max + " subscriptions per connection (broadcaster.limits.max-subscriptions-per-connection)", receipt);
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
        if (closingNow()) {
            context.subscriptions().close(subscription);
            return;
        }
        if (receipt != null) {
            Map<String, String> reply = new LinkedHashMap<>();
            reply.put("receipt-id", receipt);
            reply.put("replay-gap", subscription.pendingGap() == null ? null : "true");
            reply.put("replay-earliest", subscription.pendingGap());
            enqueue(Outgoing.control(StompFrames.frame("RECEIPT", reply, null)), true);
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
            enqueue(Outgoing.last(StompFrames.frame("RECEIPT", Map.of("receipt-id", receipt), null)), true);
        } else {
            closeSession(CloseStatus.NORMAL);
        }
    }

    private void receipt(String receipt) {
        if (receipt != null) {
            enqueue(Outgoing.control(StompFrames.frame("RECEIPT", Map.of("receipt-id", receipt), null)), true);
        }
    }

    /** Sends an ERROR frame naming the problem, then closes the connection (STOMP requires it). */
    void error(String message, String receiptId) {
        context.metrics().protocolError();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("message", message.length() > 200 ? message.substring(0, 200) : message);
        headers.put("receipt-id", receiptId);
        String frame = StompFrames.frame("ERROR", headers, message);
        closeSubscriptions();
        synchronized (this) {
            if (closing) {
                return;
            }
            enqueueLocked(Outgoing.last(frame));
            startClosing();
        }
        kick();
    }

    // ---- outbound -----------------------------------------------------------------------------------------------

    @Override
    public void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        byte[] id = (byte[]) subscription.attachment();
        if (id == null) {
            id = Delivery.escapeHeader(subscription.id()).getBytes(StandardCharsets.UTF_8);
            subscription.attach(id);
        }
        if (enqueue(Outgoing.message(subscription, id, delivery, token, replayEarliest), false)) {
            context.metrics().delivered();
        }
    }

    @Override
    public boolean awaitRoom() {
        long limitFrames = config.sendBufferFrames() / 2;
        long limitBytes = config.sendBufferBytes() / 2;
        if (!closing && queuedFrames <= limitFrames && queuedBytes <= limitBytes) {
            return true; // the usual case, without taking the connection's lock
        }
        synchronized (this) {
            while (!closing && queue != null && (queuedFrames > limitFrames || queuedBytes > limitBytes)) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closing;
        }
    }

    @Override
    public void replayFailed(Subscription subscription, String reason) {
        error("subscription " + subscription.id() + ": " + reason, null);
    }

    /** Queues a frame; false when the connection is closing or overflowed (then it is being dropped). */
    private boolean enqueue(Outgoing outgoing, boolean control) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            if (!control && queue != null
                    && (queue.size() >= config.sendBufferFrames() || queuedBytes + outgoing.size() > config.sendBufferBytes())) {
                dropSlowConsumerLocked();
                return false;
            }
            enqueueLocked(outgoing);
        }
        kick();
        return true;
    }

    private void enqueueLocked(Outgoing outgoing) {
        if (queue == null) {
            queue = new ArrayDeque<>(8);
        }
        queue.add(outgoing);
        queuedBytes += outgoing.size();
        queuedFrames = queue.size();
    }

    /**
     * The client fell behind: discard what it has not received, tell it where to resume each subscription, close.
     * Tokens are those of the last frames actually written, so resuming loses and repeats nothing.
     */
    private void dropSlowConsumerLocked() {
        context.metrics().slowConsumerDropped();
        queue.clear();
        queuedBytes = 0;
        queuedFrames = 0;
        for (Subscription subscription : subscriptions.values()) {
            subscription.close();
        }
        // the ERROR text is built when it is written: only then has the write in flight (if any) completed,
        // so the tokens it carries are those of the last frames the client will really receive
        enqueueLocked(Outgoing.resumeNotice("slow consumer: more than " + config.sendBufferFrames() + " frames or "
                + config.sendBufferBytes() + " bytes queued; reconnect and SUBSCRIBE with resume-token to continue"));
        startClosing();
        log.info("dropped slow STOMP consumer {} ({})", session.getId(), caller == null ? "?" : caller.name());
    }

    /**
     * The credential expired: no new deliveries; what is queued is still written, then an ERROR with the resume token
     * of each subscription (of the last frame written), so the client continues under a fresh credential exactly.
     */
    private void credentialExpired(Caller who) {
        closeSubscriptions();
        synchronized (this) {
            if (closing) {
                return;
            }
            enqueueLocked(Outgoing.resumeNotice("credential expired at " + who.expiresAt()
                    + ": reconnect with a fresh token and SUBSCRIBE with resume-token to continue"));
            startClosing();
        }
        context.metrics().credentialExpired();
        kick();
        log.info("ending STOMP connection {} ({}): credential expired", session.getId(), who.name());
    }

    /** The last ERROR of a connection the server ends, with each subscription's resume token. */
    private String resumeError(String message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("message", message);
        StringJoiner all = new StringJoiner(",");
        String first = null;
        String firstId = null;
        for (Subscription subscription : subscriptions.values()) {
            String token = subscription.lastSentToken();
            if (first == null) {
                first = token;
                firstId = subscription.id();
            }
            all.add(subscription.id() + "=" + token);
        }
        headers.put("subscription", firstId);
        headers.put("resume-token", first);
        headers.put("resume-tokens", all.toString());
        return StompFrames.frame("ERROR", headers, message);
    }

    private void startClosing() {
        closing = true;
        closingSinceMillis = System.currentTimeMillis();
    }

    private synchronized boolean closingNow() {
        return closing;
    }

    private void kick() {
        if (writing.compareAndSet(false, true)) {
            writer.schedule(this);
        }
    }

    /** Takes the next frames to write as one WebSocket message (several when they pile up), encoded once. */
    private synchronized Batch nextBatch() {
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        Outgoing first = queue.poll();
        queuedBytes -= first.size();
        queuedFrames = queue.size();
        if (first.isResumeNotice()) {
            notifyAll();
            byte[] bytes = resumeError(first.resumeMessage()).getBytes(StandardCharsets.UTF_8);
            return new Batch(bytes, bytes.length, first, null);
        }
        int length = first.size();
        int count = 1;
        if (!first.closeAfter()) {
            for (Outgoing next : queue) {
                if (next.isResumeNotice() || length + next.size() > config.maxBatchBytes()) {
                    break;
                }
                length += next.size();
                count++;
                if (next.closeAfter()) {
                    break;
                }
            }
        }
        byte[] bytes = new byte[length];
        int at = first.writeTo(bytes, 0);
        Outgoing[] more = null;
        if (count > 1) {
            more = new Outgoing[count - 1];
            for (int i = 0; i < more.length; i++) {
                Outgoing next = queue.poll();
                queuedBytes -= next.size();
                at = next.writeTo(bytes, at);
                more[i] = next;
            }
        }
        queuedFrames = queue.size();
        notifyAll();
        return new Batch(bytes, at, first, more);
    }

    private synchronized boolean hasQueued() {
        return queue != null && !queue.isEmpty();
    }

    /**
     * Writes queued batches until the queue is empty or a write is pending; resumed by the write's completion.
     * Runs on the connection's writer thread, or on the container thread that completed the previous write.
     */
    void pump() {
        while (true) {
            Batch batch = nextBatch();
            if (batch == null) {
                writing.set(false);
                if (hasQueued() && writing.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            AtomicInteger state = new AtomicInteger();
            writeStartedMillis = System.currentTimeMillis();
            try {
                sender.send(batch.bytes(), batch.length(), result -> {
                    writeStartedMillis = 0;
                    if (!written(result, batch)) {
                        return;
                    }
                    if (!state.compareAndSet(0, 1)) {
                        pump();
                    }
                });
            } catch (RuntimeException e) {
                log.debug("write to {} failed: {}", session.getId(), e.toString());
                closeSession(CloseStatus.SESSION_NOT_RELIABLE);
                return;
            }
            if (state.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private boolean written(SendResult result, Batch batch) {
        if (!result.isOK()) {
            if (writeAborted) {
                log.debug("aborted the stuck write to {}", session.getId());
            } else if (isTimeout(result.getException())) {
                droppedStuck(); // the container's own send timeout (containers other than Tomcat)
            } else {
                log.debug("write to {} failed: {}", session.getId(), String.valueOf(result.getException()));
            }
            closeSession(CloseStatus.SESSION_NOT_RELIABLE);
            return false;
        }
        lastWriteMillis = System.currentTimeMillis();
        if (!recordWritten(batch.first())) {
            return false;
        }
        if (batch.more() != null) {
            for (Outgoing item : batch.more()) {
                if (!recordWritten(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A client that read nothing for the whole send timeout: no ERROR can reach it any more, so it is dropped as it is
     * (it resumes with the token of the last MESSAGE it read); counted as slow.
     */
    private void droppedStuck() {
        context.metrics().slowConsumerDropped();
        log.info("dropped stuck STOMP consumer {} ({}): a write waited longer than {} (broadcaster.stomp.send-timeout)",
                session.getId(), caller == null ? "?" : caller.name(), config.sendTimeout());
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Records a written frame's token; false (after closing) when the frame was the connection's last. */
    private boolean recordWritten(Outgoing item) {
        if (item.subscription() != null) {
            item.subscription().sent(item.token());
        }
        if (item.closeAfter()) {
            closeSession(CloseStatus.NORMAL);
            return false;
        }
        return true;
    }

    private record Batch(byte[] bytes, int length, Outgoing first, Outgoing[] more) {
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /** Heart-beats, missed client heart-beats, writes pending too long, and connections stuck while closing. */
    void tick(long now) {
        long started = writeStartedMillis;
        if (started != 0 && now - started > config.sendTimeout().toMillis() && sender.watchesItsOwnWrites() && !writeAborted) {
            writeAborted = true;
            droppedStuck();
            sender.abortStuckWrite(); // closes the socket; the write's handler then closes the session
            return;
        }
        if (closingNow()) {
            if (now - closingSinceMillis > config.sendTimeout().toMillis()) {
                closeSession(CloseStatus.SESSION_NOT_RELIABLE);
            }
            return;
        }
        Caller who = caller;
        if (who != null && who.expiredAt(now)) {
            credentialExpired(who);
            return;
        }
        long expect = expectEveryMillis;
        if (expect > 0 && now - lastReadMillis > expect * 2 + 1_000) {
            error("no heart-beat from the client for " + (now - lastReadMillis) + " ms (negotiated " + expect + " ms)", null);
            return;
        }
        long send = sendEveryMillis;
        if (send > 0 && now - lastWriteMillis >= send && !writing.get()) {
            enqueue(Outgoing.control(StompFrames.HEARTBEAT), true);
        }
    }

    private void closeSubscriptions() {
        for (Subscription subscription : subscriptions.values()) {
            context.subscriptions().close(subscription);
        }
    }

    /** Called once the WebSocket is closed, whoever closed it. */
    void closed() {
        synchronized (this) {
            if (!closing) {
                startClosing();
            }
            if (queue != null) {
                queue.clear();
            }
            queuedBytes = 0;
            queuedFrames = 0;
            notifyAll();
        }
        closeSubscriptions();
        subscriptions.clear();
        Caller who = caller;
        if (who != null) {
            caller = null;
            context.limiter().detach(who.name());
        }
    }

    private void closeSession(CloseStatus status) {
        try {
            session.close(status);
        } catch (IOException | IllegalStateException e) {
            log.debug("closing {}: {}", session.getId(), e.toString());
        }
    }

    String id() {
        return session.getId();
    }
}
