package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.ResumeToken;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * One long-poll request as a short-lived subscription: collects up to {@code limit} events and answers as soon as
 * there is at least one live event, the limit is reached, a replay with results caught up, or {@code wait} expired.
 * {@code next} is the position up to which everything matching was returned, so polling again with it neither
 * misses nor repeats an event.
 */
final class LongPollCollector implements SubscriptionTarget {

    private final int limit;
    private final boolean waitForEvents;
    private final Subscriptions subscriptions;
    private final BroadcasterMetrics metrics;
    private final DeferredResult<ResponseEntity<String>> result;
    private final List<Delivery> events = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private String gap;
    private Subscription subscription;
    private boolean done;

    LongPollCollector(int limit, boolean waitForEvents, Subscriptions subscriptions, BroadcasterMetrics metrics,
                      DeferredResult<ResponseEntity<String>> result) {
        this.limit = limit;
        this.waitForEvents = waitForEvents;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.result = result;
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
        complete();
    }

    /** Called on timeout, or once the subscription is open (it may have completed already). */
    synchronized void attach(Subscription opened) {
        this.subscription = opened;
    }

    /** Answers the request. Never holds this object's lock while taking the subscription's (lock order). */
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
        StringBuilder body;
        synchronized (this) {
            List<Delivery> returned = events.size() > limit ? events.subList(0, limit) : events;
            String next = null;
            if (events.size() >= limit) {
                next = tokens.get(limit - 1);
            } else if (!events.isEmpty()) {
                long[] last = events.get(events.size() - 1).positionsAfter();
                for (int p = 0; p < position.length; p++) {
                    position[p] = Math.max(position[p], last[p]);
                }
            }
            body = new StringBuilder(64 + returned.size() * 512).append("{\"events\":[");
            for (int i = 0; i < returned.size(); i++) {
                if (i > 0) {
                    body.append(',');
                }
                body.append(returned.get(i).json());
                metrics.delivered();
            }
            body.append("],\"next\":\"").append(next != null ? next : ResumeToken.encode(position)).append('"');
            if (gap != null) {
                body.append(",\"replay_gap\":true,\"replay_earliest\":\"").append(gap).append('"');
            }
            body.append('}');
        }
        result.setResult(ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body.toString()));
    }
}
