package io.fleetevents.broadcaster.fanout;

/**
 * A transport whose targets pass deliveries on to threads of their own. {@link SubscriptionIndex#dispatch} tells it
 * where one event's fan-out starts and ends, on the dispatching thread, so that it can pass the deliveries on in a
 * few batches (one queue operation and at most one wake-up per batch) instead of one hand-off per delivery.
 */
public interface DispatchListener {

    /** The current thread starts offering one event to every matching subscription. */
    void dispatchStarted();

    /** The current thread has offered it everywhere: pass on whatever was held back. Always called, even on failure. */
    void dispatchEnded();
}
