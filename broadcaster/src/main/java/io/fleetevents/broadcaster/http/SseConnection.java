package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.outbox.Outbox;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import java.util.List;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One SSE stream: an {@link Outbox} writing {@link SseCodec}'s events into the emitter. {@code id:} is the resume
 * token; a stream that overflows gets an {@code error} event with its resume token and is closed.
 */
final class SseConnection {

    private static final SseCodec CODEC = new SseCodec();

    private final Outbox outbox;
    private volatile Subscription subscription;

    SseConnection(String id, SseEmitter emitter, Outbox.Scheduler writers, OutboxLimits limits, long heartbeatMillis,
                  Subscriptions registry, BroadcasterMetrics metrics, Caller caller) {
        this.outbox = new Outbox("SSE " + id, CODEC, new SseSink(emitter), writers, limits, registry, metrics,
                this::subscriptions);
        outbox.authenticated(caller);
        outbox.heartbeatEvery(heartbeatMillis);
    }

    /** Where the subscription's events go. */
    SubscriptionTarget target() {
        return outbox;
    }

    void attach(Subscription opened) {
        this.subscription = opened;
    }

    private List<Subscription> subscriptions() {
        Subscription current = subscription;
        return current == null ? List.of() : List.of(current);
    }

    /** Credential expiry, then the keep-alive comment when the stream was idle. */
    void tick(long now) {
        if (outbox.tick(now)) {
            outbox.heartbeat(now);
        }
    }

    /** The stream ended (client gone, completed or timed out). */
    void closed() {
        outbox.closed();
    }
}
