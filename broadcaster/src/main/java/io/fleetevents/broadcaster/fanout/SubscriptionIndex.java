package io.fleetevents.broadcaster.fanout;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the subscribers of an event without scanning them all: subscriptions are filed under every
 * (event type, minimum severity) pair they accept, and there under "any agent", under each exact agent identity
 * they name, or — only when they use wildcards — in a small list matched by glob. An event of type T and severity S
 * visits the buckets (T, INFO..S) and in each looks up its agent's UUID, key and path.
 *
 * <p>Thread-safety: add/remove from any thread; {@link #dispatch} from the live consumer thread only.
 */
public final class SubscriptionIndex {

    private static final EventType[] TYPES = EventType.values();
    private static final EventSeverity[] SEVERITIES = EventSeverity.values();

    private final Bucket[][] buckets = new Bucket[TYPES.length][SEVERITIES.length];
    private final BroadcasterMetrics metrics;
    private long sequence;

    public SubscriptionIndex(BroadcasterMetrics metrics) {
        this.metrics = metrics;
        for (Bucket[] row : buckets) {
            for (int s = 0; s < row.length; s++) {
                row[s] = new Bucket();
            }
        }
    }

    public void add(Subscription subscription) {
        for (Bucket bucket : bucketsOf(subscription)) {
            bucket.add(subscription);
        }
    }

    public void remove(Subscription subscription) {
        for (Bucket bucket : bucketsOf(subscription)) {
            bucket.remove(subscription);
        }
    }

    /** Offers {@code delivery} to every live subscription whose filter and scope accept it. */
    public void dispatch(Delivery delivery) {
        long stamp = ++sequence;
        EventNotification event = delivery.event();
        Bucket[] row = buckets[event.eventType().ordinal()];
        int maxSeverity = event.severity().ordinal();
        AgentRef agent = event.agent();
        String agentId = event.agentId();
        String key = agent == null ? null : agent.key();
        String path = agent == null ? null : agent.path();
        for (int s = 0; s <= maxSeverity; s++) {
            Bucket bucket = row[s];
            for (Subscription subscription : bucket.anyAgent) {
                offer(subscription, delivery, stamp);
            }
            if (!bucket.exact.isEmpty()) {
                offerAll(bucket.exact.get(nullSafe(agentId)), delivery, stamp);
                offerAll(bucket.exact.get(nullSafe(key)), delivery, stamp);
                offerAll(bucket.exact.get(nullSafe(path)), delivery, stamp);
            }
            for (Subscription subscription : bucket.wildcard) {
                if (subscription.dispatchStamp != stamp && subscription.matchesWildcards(event)) {
                    offer(subscription, delivery, stamp);
                }
            }
        }
    }

    private static String nullSafe(String text) {
        return text == null ? "" : text;
    }

    private void offerAll(Set<Subscription> subscriptions, Delivery delivery, long stamp) {
        if (subscriptions != null) {
            for (Subscription subscription : subscriptions) {
                offer(subscription, delivery, stamp);
            }
        }
    }

    private void offer(Subscription subscription, Delivery delivery, long stamp) {
        if (subscription.dispatchStamp == stamp) {
            return;
        }
        subscription.dispatchStamp = stamp;
        if (!subscription.scope().permits(delivery.event())) {
            metrics.scopeRefused();
            return;
        }
        subscription.deliverLive(delivery);
    }

    private List<Bucket> bucketsOf(Subscription subscription) {
        List<EventType> types = subscription.filter().eventTypes().isEmpty()
                ? List.of(TYPES) : subscription.filter().eventTypes();
        int severity = subscription.filter().effectiveSeverityMin().ordinal();
        return types.stream().distinct().map(type -> buckets[type.ordinal()][severity]).toList();
    }

    private static final class Bucket {
        final Set<Subscription> anyAgent = ConcurrentHashMap.newKeySet();
        final Map<String, Set<Subscription>> exact = new ConcurrentHashMap<>();
        final Set<Subscription> wildcard = ConcurrentHashMap.newKeySet();

        void add(Subscription subscription) {
            if (subscription.anyAgent()) {
                anyAgent.add(subscription);
                return;
            }
            for (AgentPattern pattern : subscription.exactPatterns()) {
                exact.compute(pattern.pattern(), (k, set) -> {
                    Set<Subscription> target = set == null ? ConcurrentHashMap.newKeySet() : set;
                    target.add(subscription);
                    return target;
                });
            }
            if (subscription.hasWildcards()) {
                wildcard.add(subscription);
            }
        }

        void remove(Subscription subscription) {
            anyAgent.remove(subscription);
            wildcard.remove(subscription);
            for (AgentPattern pattern : subscription.exactPatterns()) {
                exact.computeIfPresent(pattern.pattern(), (k, set) -> {
                    set.remove(subscription);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }
}
