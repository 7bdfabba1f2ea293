package io.fleetevents.broadcaster.fanout;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the subscribers of an event without scanning them all: subscriptions are filed under every
 * (event type, minimum severity) pair they accept, and there under "any agent", under each exact agent identity
 * they name, or — only when they use wildcards — under the literal prefix of each wildcard pattern, globbed only when
 * the event's agent UUID, key or path starts with that prefix. An event of type T and severity S visits the buckets
 * (T, INFO..S) and in each looks up its agent's UUID, key and path.
 *
 * <p>Thread-safety: add/remove from any thread; {@link #dispatch} from the live consumer thread only.
 */
public final class SubscriptionIndex {

    private static final EventType[] TYPES = EventType.values();
    private static final EventSeverity[] SEVERITIES = EventSeverity.values();

    private final Bucket[][] buckets = new Bucket[TYPES.length][SEVERITIES.length];
    private final BroadcasterMetrics metrics;
    private volatile DispatchListener[] listeners = new DispatchListener[0];
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

    /** Registers a transport to be told where each dispatch starts and ends. */
    public synchronized void addDispatchListener(DispatchListener listener) {
        DispatchListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = listener;
        listeners = more;
    }

    /** Offers {@code delivery} to every live subscription whose filter and scope accept it. */
    public void dispatch(Delivery delivery) {
        DispatchListener[] around = listeners;
        for (DispatchListener listener : around) {
            listener.dispatchStarted();
        }
        try {
            offerEverywhere(delivery);
        } finally {
            for (DispatchListener listener : around) {
                listener.dispatchEnded();
            }
        }
    }

    private void offerEverywhere(Delivery delivery) {
        long stamp = ++sequence;
        EventRoute event = delivery.route();
        Bucket[] row = buckets[event.eventType().ordinal()];
        int maxSeverity = event.severity().ordinal();
        String agentId = event.agentId();
        String key = event.agentKey();
        String path = event.agentPath();
        for (int s = 0; s <= maxSeverity; s++) {
            View view = row[s].view();
            for (Subscription subscription : view.anyAgent) {
                offer(subscription, delivery, stamp);
            }
            if (!view.exact.isEmpty()) {
                offerAll(view.exact.get(nullSafe(agentId)), delivery, stamp);
                offerAll(view.exact.get(nullSafe(key)), delivery, stamp);
                offerAll(view.exact.get(nullSafe(path)), delivery, stamp);
            }
            offerMatching(view.unanchored, event, delivery, stamp);
            if (view.prefixLengths.length > 0) {
                offerByPrefix(view, agentId, event, delivery, stamp);
                offerByPrefix(view, key, event, delivery, stamp);
                offerByPrefix(view, path, event, delivery, stamp);
            }
        }
    }

    /** Wildcard subscriptions filed under a literal prefix of {@code identity}: only those are globbed. */
    private void offerByPrefix(View view, String identity, EventRoute event, Delivery delivery, long stamp) {
        if (identity == null) {
            return;
        }
        for (int length : view.prefixLengths) {
            if (length > identity.length()) {
                return; // lengths ascend
            }
            offerMatching(view.byPrefix.get(identity.substring(0, length)), event, delivery, stamp);
        }
    }

    private void offerMatching(Subscription[] subscriptions, EventRoute event, Delivery delivery, long stamp) {
        if (subscriptions == null) {
            return;
        }
        for (Subscription subscription : subscriptions) {
            if (subscription.dispatchStamp != stamp && subscription.matchesWildcards(event)) {
                offer(subscription, delivery, stamp);
            }
        }
    }

    private static String nullSafe(String text) {
        return text == null ? "" : text;
    }

    private void offerAll(Subscription[] subscriptions, Delivery delivery, long stamp) {
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
        if (!subscription.scope().permits(delivery.route())) {
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

    /**
     * An immutable copy of a bucket, iterated by the live consumer without locks or iterator garbage. Wildcard
     * subscriptions are filed by the literal prefix of each pattern (the text before its first {@code *}), so an event
     * globs only the subscriptions whose prefix its agent UUID, key or path starts with; only patterns that start with
     * {@code *} ({@code unanchored}) are globbed for every event.
     */
    private record View(Subscription[] anyAgent, Map<String, Subscription[]> exact, Subscription[] unanchored,
                        Map<String, Subscription[]> byPrefix, int[] prefixLengths) {
    }

    /**
     * Subscriptions of one (type, severity) pair. Changes go to the sets under the bucket's lock and drop the
     * cached {@link View}; the live consumer rebuilds it (under the same lock) on its next visit. Because the view
     * is volatile and dropped before a new subscription can go live, a dispatch that claimed its offset after the
     * subscription checked the live position always sees it.
     */
    private static final class Bucket {
        private static final Subscription[] NONE = new Subscription[0];
        private static final View EMPTY = new View(NONE, Map.of(), NONE, Map.of(), new int[0]);

        private final Set<Subscription> anyAgent = new HashSet<>();
        private final Map<String, Set<Subscription>> exact = new HashMap<>();
        private final Set<Subscription> wildcard = new HashSet<>();
        private volatile View view = EMPTY;

        View view() {
            View current = view;
            if (current != null) {
                return current;
            }
            synchronized (this) {
                current = view;
                if (current == null) {
                    Map<String, Subscription[]> exactCopy = new HashMap<>(exact.size() * 2);
                    exact.forEach((k, set) -> exactCopy.put(k, set.toArray(NONE)));
                    Set<Subscription> unanchored = new HashSet<>();
                    Map<String, Set<Subscription>> byPrefix = new HashMap<>();
                    for (Subscription subscription : wildcard) {
                        for (String prefix : subscription.wildcardPrefixes()) {
                            if (prefix.isEmpty()) {
                                unanchored.add(subscription);
                            } else {
                                byPrefix.computeIfAbsent(prefix, k -> new HashSet<>()).add(subscription);
                            }
                        }
                    }
                    Map<String, Subscription[]> byPrefixCopy = new HashMap<>(byPrefix.size() * 2);
                    byPrefix.forEach((k, set) -> byPrefixCopy.put(k, set.toArray(NONE)));
                    int[] lengths = byPrefix.keySet().stream().mapToInt(String::length).distinct().sorted().toArray();
                    current = new View(anyAgent.toArray(NONE), exactCopy, unanchored.toArray(NONE), byPrefixCopy,
                            lengths);
                    view = current;
                }
                return current;
            }
        }

        synchronized void add(Subscription subscription) {
            view = null;
            if (subscription.anyAgent()) {
                anyAgent.add(subscription);
                return;
            }
            for (AgentPattern pattern : subscription.exactPatterns()) {
                exact.computeIfAbsent(pattern.pattern(), k -> new HashSet<>()).add(subscription);
            }
            if (subscription.hasWildcards()) {
                wildcard.add(subscription);
            }
        }

        synchronized void remove(Subscription subscription) {
            view = null;
            anyAgent.remove(subscription);
            wildcard.remove(subscription);
            for (AgentPattern pattern : subscription.exactPatterns()) {
                Set<Subscription> set = exact.get(pattern.pattern());
                if (set != null && set.remove(subscription) && set.isEmpty()) {
                    exact.remove(pattern.pattern());
                }
            }
        }
    }
}
