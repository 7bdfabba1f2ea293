package io.fleetevents.broadcaster;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.LiveFeed;
import io.fleetevents.broadcaster.fanout.LivePosition;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionIndex;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.replay.ReplayReaders;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.SubscriptionFilter;
import java.time.Duration;

/** What every transport does to open and close a subscription: index it, start its replay or go live. */
public final class Subscriptions {

    private final LiveFeed feed;
    private final SubscriptionIndex index;
    private final ReplayReaders readers;
    private final BroadcasterMetrics metrics;

    public Subscriptions(LiveFeed feed, SubscriptionIndex index, ReplayReaders readers, BroadcasterMetrics metrics) {
        this.feed = feed;
        this.index = index;
        this.readers = readers;
        this.metrics = metrics;
    }

    /** Thrown when the live feed has not reached Kafka yet. */
    public static final class NotReadyException extends RuntimeException {
        NotReadyException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Opens a subscription for {@code caller} and starts it (replay or live).
     *
     * @throws NotReadyException when the events topic is not reachable yet
     */
    public Subscription open(String id, Caller caller, SubscriptionFilter filter, ReplayStart start, SubscriptionTarget target) {
        LivePosition live = feed.awaitPosition(Duration.ofSeconds(5));
        if (live == null) {
            throw new NotReadyException("the event stream is not available yet (Kafka unreachable or topic missing); retry shortly");
        }
        Subscription subscription = new Subscription(id, filter, caller.scope(), target, live);
        index.add(subscription);
        metrics.subscriptionOpened();
        readers.start(subscription, start, live);
        return subscription;
    }

    /** Closes a subscription: no event is handed to its target afterwards. Idempotent. */
    public void close(Subscription subscription) {
        if (subscription.close()) {
            index.remove(subscription);
            metrics.subscriptionClosed();
        }
    }
}
