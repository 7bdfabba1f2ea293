package io.fleetevents.broadcaster.outbox;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import java.util.Collection;

/**
 * How a transport writes events and the outbox's own notices. Parts of a frame that are the same for every
 * subscriber belong in a {@link Delivery.Encoding}, so they are built once per event.
 */
public interface Codec {

    /**
     * One event for one subscriber.
     *
     * @param token          the resume token to stamp on it
     * @param replayEarliest non-null on the first event after a replay found part of its range deleted: the token of
     *                       the earliest positions still held, to be announced with (or before) the event
     */
    Frame message(Subscription subscription, Delivery delivery, String token, String replayEarliest);

    /** What keeps an idle connection open. */
    byte[] heartbeat();

    /** The last frame when a subscription's replay could not run. */
    byte[] replayFailed(Subscription subscription, String reason);

    /**
     * The last frame for a client that let its queue overflow, telling it where to resume. Built when it is written,
     * after every frame before it: {@link Subscription#lastSentToken()} is then that of the last frame the client got.
     */
    byte[] slowConsumer(Collection<Subscription> subscriptions, OutboxLimits limits);

    /** The last frame for a client whose credential expired; built when it is written, as {@link #slowConsumer}. */
    byte[] credentialExpired(Caller who, Collection<Subscription> subscriptions);
}
