package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.schemas.ResumeToken;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One tool call as a short-lived subscription: collects up to {@code limit} events and answers as soon as there is
 * at least one live event, the limit is reached, a replay with results caught up, or the wait expired. The cursor is
 * the position up to which everything matching was returned (the token of the last returned event when the page was
 * cut), so calling again with it neither misses nor repeats an event.
 */
final class EventCollector implements SubscriptionTarget {

    private final int limit;
    private final boolean waitForEvents;
    private final Subscriptions subscriptions;
    private final CompletableFuture<EventPage> result = new CompletableFuture<>();
    private final List<Delivery> events = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private String gap;
    private Subscription subscription;
    private boolean done;

    EventCollector(int limit, boolean waitForEvents, Subscriptions subscriptions) {
        this.limit = limit;
        this.waitForEvents = waitForEvents;
        this.subscriptions = subscriptions;
    }

    CompletableFuture<EventPage> result() {
        return result;
    }

    @Override
    public synchronized void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        this.subscription = subscription;
        // kept even after completion started: the subscription counts it as handed over
        events.add(delivery);
        tokens.add(token);
        if (replayEarliest != null) {
            gap = replayEarliest;
        }
        if (!done && (events.size() >= limit || subscription.isLive())) {
            complete();
        }
    }

    @Override
    public synchronized void wentLive(Subscription subscription) {
        this.subscription = subscription;
        if (!events.isEmpty() || !waitForEvents) {
            complete();
        }
    }

    @Override
    public synchronized void replayFailed(Subscription subscription, String reason) {
        this.subscription = subscription;
        if (!done) {
            done = true;
            subscriptions.close(subscription);
            result.completeExceptionally(new IllegalStateException("reading the event stream failed: " + reason
                    + "; retry with the same cursor"));
        }
    }

    synchronized void attach(Subscription opened) {
        this.subscription = opened;
    }

    /** Answers the call (at the deadline, or when enough arrived). Never holds this lock while taking the subscription's. */
    void complete() {
        Subscription current;
        synchronized (this) {
            if (done || subscription == null) {
                return;
            }
            done = true;
            current = subscription;
        }
        long[] position = current.stopAndPosition();
        subscriptions.close(current);
        EventPage page;
        synchronized (this) {
            List<Delivery> returned = events.size() > limit ? events.subList(0, limit) : events;
            String cursor;
            if (events.size() >= limit) {
                cursor = tokens.get(limit - 1);
            } else {
                if (!events.isEmpty()) {
                    long[] last = events.get(events.size() - 1).positionsAfter();
                    for (int p = 0; p < position.length; p++) {
                        position[p] = Math.max(position[p], last[p]);
                    }
                }
                cursor = ResumeToken.encode(position);
            }
            List<String> json = new ArrayList<>(returned.size());
            for (Delivery delivery : returned) {
                json.add(delivery.json());
            }
            page = new EventPage(json, cursor, events.size() >= limit, gap);
        }
        result.complete(page);
    }
}
