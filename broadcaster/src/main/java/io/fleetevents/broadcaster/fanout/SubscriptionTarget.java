package io.fleetevents.broadcaster.fanout;

/**
 * Where a subscription's events go: a STOMP connection, an SSE stream, a long-poll request. The narrow port between
 * fan-out and transports.
 */
public interface SubscriptionTarget {

    /**
     * Hands one event over. Called with the subscription's lock held, in delivery order; must not block on I/O.
     *
     * @param token          the resume token to stamp on it
     * @param replayEarliest non-null on the first event after a replay found part of its range already deleted:
     *                       the token of the earliest positions still held
     */
    void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest);

    /** The subscription now follows the live stream (replay, if any, is over). Called with its lock held. */
    default void wentLive(Subscription subscription) {
    }

    /**
     * Called by a replay reader between batches: blocks while this target has too much queued, so that a replay
     * is paced by its client instead of overflowing it. Returns false when the target is gone.
     */
    default boolean awaitRoom() {
        return true;
    }

    /** The replay could not run (Kafka error); the subscription is closed. */
    default void replayFailed(Subscription subscription, String reason) {
    }
}
