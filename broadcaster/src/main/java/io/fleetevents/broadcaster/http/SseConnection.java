package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One SSE stream: {@code id:} is the resume token, the data the event JSON. Frames are queued (bounded, as for STOMP)
 * and written by a shared writer pool; a stream that overflows gets an {@code error} event with its resume token
 * and is closed.
 */
final class SseConnection implements SubscriptionTarget {

    private final SseEmitter emitter;
    private final Executor writers;
    private final BroadcasterMetrics metrics;
    private final BroadcasterProperties.Stomp buffer;
    private final AtomicBoolean writing = new AtomicBoolean();
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
    private volatile Subscription subscription;
    private volatile boolean closing;
    private volatile long lastWriteMillis = System.currentTimeMillis();
    private final Caller caller;

    SseConnection(SseEmitter emitter, Executor writers, BroadcasterMetrics metrics, BroadcasterProperties.Stomp buffer,
                  Caller caller) {
        this.caller = caller;
        this.emitter = emitter;
        this.writers = writers;
        this.metrics = metrics;
        this.buffer = buffer;
    }

    void attach(Subscription opened) {
        this.subscription = opened;
    }

    @Override
    public void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        if (replayEarliest != null) {
            enqueue(SseEmitter.event().name("replay-gap")
                    .data("{\"replay_gap\":true,\"replay_earliest\":\"" + replayEarliest + "\"}", MediaType.APPLICATION_JSON), null, true);
        }
        if (enqueue(SseEmitter.event().id(token).data(delivery.json(), MediaType.APPLICATION_JSON), token, false)) {
            metrics.delivered();
        }
    }

    @Override
    public boolean awaitRoom() {
        synchronized (this) {
            while (!closing && queue.size() > buffer.sendBufferFrames() / 4) {
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
        enqueue(SseEmitter.event().name("error").data("{\"error\":\"" + reason.replace("\"", "'") + "\"}",
                MediaType.APPLICATION_JSON), null, true);
        closing = true;
        enqueueClose();
    }

    void heartbeat(long now, long everyMillis) {
        if (!closing && caller.expiredAt(now)) {
            credentialExpired();
            return;
        }
        if (!closing && now - lastWriteMillis >= everyMillis && !writing.get()) {
            enqueue(SseEmitter.event().comment("keep-alive"), null, true);
        }
    }

    private boolean enqueue(SseEmitter.SseEventBuilder event, String token, boolean control) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            if (!control && queue.size() >= buffer.sendBufferFrames()) {
                dropSlowConsumer();
                return false;
            }
            queue.add(new Object[] {event, token});
        }
        kick();
        return true;
    }

    /** No new events; what is queued is still sent, then an error event; the stream ends. */
    private void credentialExpired() {
        metrics.credentialExpired();
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        enqueue(SseEmitter.event().name("error").data("{\"error\":\"credential expired at " + caller.expiresAt()
                + ": reconnect with a fresh token and Last-Event-ID to continue\"}", MediaType.APPLICATION_JSON), null, true);
        closing = true;
        enqueueClose();
    }

    private void dropSlowConsumer() {
        metrics.slowConsumerDropped();
        queue.clear();
        Subscription current = subscription;
        String token = current == null ? "" : current.lastSentToken();
        if (current != null) {
            current.close();
        }
        queue.add(new Object[] {SseEmitter.event().name("error").data("{\"error\":\"slow consumer: reconnect with "
                + "Last-Event-ID to continue\",\"resume_token\":\"" + token + "\"}", MediaType.APPLICATION_JSON), null});
        queue.add(new Object[] {null, null});
        closing = true;
    }

    private synchronized void enqueueClose() {
        queue.add(new Object[] {null, null});
        kick();
    }

    private void kick() {
        if (writing.compareAndSet(false, true)) {
            writers.execute(this::pump);
        }
    }

    private void pump() {
        while (true) {
            Object[] item;
            synchronized (this) {
                item = queue.poll();
                notifyAll();
            }
            if (item == null) {
                writing.set(false);
                synchronized (this) {
                    if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                        return;
                    }
                }
                continue;
            }
            if (item[0] == null) {
                emitter.complete();
                return;
            }
            try {
                emitter.send((SseEmitter.SseEventBuilder) item[0]);
                lastWriteMillis = System.currentTimeMillis();
                Subscription current = subscription;
                if (item[1] != null && current != null) {
                    current.sent((String) item[1]);
                }
            } catch (IOException | IllegalStateException e) {
                closed();
                return;
            }
        }
    }

    /** The stream ended (client gone, completed or timed out). */
    void closed() {
        synchronized (this) {
            closing = true;
            queue.clear();
            notifyAll();
        }
    }
}
