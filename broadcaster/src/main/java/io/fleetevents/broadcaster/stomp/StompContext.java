package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import io.fleetevents.broadcaster.outbox.WriterThreads;

/** What every STOMP connection shares. */
record StompContext(
        BroadcasterProperties properties,
        TokenAuthenticator authenticator,
        ConnectionLimiter limiter,
        Subscriptions subscriptions,
        BroadcasterMetrics metrics,
        WriterThreads writers,
        StompCodec codec,
        OutboxLimits outboxLimits) {

    StompContext(BroadcasterProperties properties, TokenAuthenticator authenticator, ConnectionLimiter limiter,
                 Subscriptions subscriptions, BroadcasterMetrics metrics, WriterThreads writers) {
        this(properties, authenticator, limiter, subscriptions, metrics, writers, new StompCodec(),
                outboxLimits(properties.stomp()));
    }

    /** The queue bounds of a STOMP connection; a replay waits while half the queue is in use. */
    private static OutboxLimits outboxLimits(BroadcasterProperties.Stomp stomp) {
        return new OutboxLimits(stomp.sendBufferFrames(), stomp.sendBufferBytes(), stomp.maxBatchBytes(),
                stomp.sendTimeout().toMillis(), stomp.sendBufferFrames() / 2, stomp.sendBufferBytes() / 2);
    }
}
