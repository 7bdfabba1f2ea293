package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.BroadcasterMetrics;

/** What every STOMP connection shares. */
record StompContext(
        BroadcasterProperties properties,
        TokenAuthenticator authenticator,
        ConnectionLimiter limiter,
        Subscriptions subscriptions,
        BroadcasterMetrics metrics,
        StompWriters writers) {
}
