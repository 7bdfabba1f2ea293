package io.fleetevents.broadcaster.fanout;

import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.SubscriptionFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber's filter, scope and position. Both the live consumer and (while it runs) the subscription's replay
 * reader offer events to it; {@code next[p]} — the first offset on partition {@code p} not yet handled — makes each
 * event go out at most once, and the hand-over rule ({@link #goLiveIfCaughtUp}) makes sure none is skipped.
 */
public final class Subscription {

    private final String id;
    private final SubscriptionFilter filter;
    private final List<AgentPattern> wildcards;
    private final List<AgentPattern> exacts;
    private final boolean anyAgent;
    private final TokenScope scope;
    private final SubscriptionTarget target;
    private final LivePosition live;

    // guarded by this
    private final long[] next;
    private long[] floor;
    private long[] replayPosition;
    private boolean isLive;
    private String pendingGap;

    private final java.util.concurrent.atomic.AtomicBoolean closedFlag = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private volatile String lastSentToken;
    private volatile String startToken;

    private volatile Object attachment;

    /** Live-thread only: the sequence number of the last event this subscription was considered for. */
    long dispatchStamp = -1;

    public Subscription(String id, SubscriptionFilter filter, TokenScope scope, SubscriptionTarget target, LivePosition live) {
        this.id = id;
        this.filter = filter;
        this.scope = scope;
        this.target = target;
        this.live = live;
        this.next = new long[live.partitions()];
        List<AgentPattern> wild = new ArrayList<>();
        List<AgentPattern> exact = new ArrayList<>();
        boolean any = filter.agentIds().isEmpty();
        for (AgentPattern pattern : filter.agentPatterns()) {
            if (pattern.matchesEverything()) {
                any = true;
            } else if (pattern.isExact()) {
                exact.add(pattern);
            } else {
                wild.add(pattern);
            }
        }
        this.anyAgent = any;
        this.wildcards = any ? List.of() : List.copyOf(wild);
        this.exacts = any ? List.of() : List.copyOf(exact);
    }

    public String id() {
        return id;
    }

    /** Whatever the transport cached for this subscription (e.g. its encoded id), or null. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    public SubscriptionFilter filter() {
        return filter;
    }

    public TokenScope scope() {
        return scope;
    }

    public SubscriptionTarget target() {
        return target;
    }

    boolean anyAgent() {
        return anyAgent;
    }

    List<AgentPattern> exactPatterns() {
        return exacts;
    }

    boolean hasWildcards() {
        return !wildcards.isEmpty();
    }

    /** The literal text before the first {@code *} of each wildcard pattern ("" for a pattern starting with one). */
    List<String> wildcardPrefixes() {
        List<String> prefixes = new ArrayList<>(wildcards.size());
        for (AgentPattern pattern : wildcards) {
            prefixes.add(pattern.pattern().substring(0, pattern.pattern().indexOf('*')));
        }
        return prefixes;
    }

    boolean matchesWildcards(EventRoute event) {
        for (AgentPattern pattern : wildcards) {
            if (pattern.matches(event)) {
                return true;
            }
        }
        return false;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops all delivery to this subscription. Returns true only for the call that closed it. */
    public boolean close() {
        closed = true;
        return closedFlag.compareAndSet(false, true);
    }

    /** Marks that the first delivered event must carry the replay-gap notice with these earliest positions. */
    public synchronized void replayGap(String earliestToken) {
        this.pendingGap = earliestToken;
    }

    public synchronized String pendingGap() {
        return pendingGap;
    }

    /**
     * Stops delivery and returns, atomically with stopping, the position up to which everything matching has been
     * handed over (see {@link #scannedPosition()}). {@code Subscriptions.close} must still be called.
     */
    public synchronized long[] stopAndPosition() {
        closed = true;
        return scannedPosition();
    }

    /** Whether the live stream feeds this subscription (its replay, if any, is over). */
    public synchronized boolean isLive() {
        return isLive;
    }

    /** The token of the last event the transport actually wrote, else the position the subscription started at. */
    public String lastSentToken() {
        String token = lastSentToken;
        return token != null ? token : startToken;
    }

    /** Called by a transport once the event stamped with {@code token} has been written to the client. */
    public void sent(String token) {
        lastSentToken = token;
    }

    /** Offer from the live consumer; the index already checked type, severity and agent patterns. */
    void deliverLive(Delivery delivery) {
        synchronized (this) {
            if (closed || !isLive) {
                return;
            }
            int p = delivery.partition();
            if (delivery.offset() < next[p]) {
                return;
            }
            next[p] = delivery.offset() + 1;
            String token = delivery.token();
            if (floor != null) {
                String merged = tokenAbove(delivery.positionsAfter());
                token = merged == null ? token : merged;
            }
            hand(delivery, token);
        }
    }

    /** Offer from this subscription's replay reader; checks filter and scope itself. Returns whether it went out. */
    public boolean deliverReplayed(Delivery delivery) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            int p = delivery.partition();
            if (delivery.offset() < next[p]) {
                return false;
            }
            next[p] = delivery.offset() + 1;
            hand(delivery, delivery.token());
            return true;
        }
    }

    /** Records how far the replay reader has read (every record below was handled). */
    public synchronized void replayProgress(long[] position) {
        replayPosition = position.clone();
    }

    /**
     * Sets the starting position of a replay ({@code next[p] = start[p]}) and its token; call before any delivery.
     */
    public synchronized void startAt(long[] start) {
        System.arraycopy(start, 0, next, 0, next.length);
        replayPosition = start.clone();
        startToken = ResumeToken.encode(start);
    }

    /**
     * Switches to live if, on every partition, {@code position} (everything below handled) has reached what the live
     * consumer has claimed. Because the live consumer claims an offset before dispatching it, every record at or
     * above the claimed positions read here will still be offered to this subscription: no gap. Records between the
     * claimed position and {@code position} are skipped by {@code next}: no duplicate.
     */
    public boolean goLiveIfCaughtUp(long[] position) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            boolean ahead = false;
            for (int p = 0; p < next.length; p++) {
                long claimed = live.claimed(p);
                if (position[p] < claimed) {
                    return false;
                }
                ahead |= position[p] > claimed;
            }
            for (int p = 0; p < next.length; p++) {
                next[p] = Math.max(next[p], position[p]);
            }
            floor = ahead ? position.clone() : null;
            if (startToken == null) {
                startToken = ResumeToken.encode(position);
            }
            replayPosition = null;
            isLive = true;
            target.wentLive(this);
            return true;
        }
    }

    /** Starts live from the live consumer's current position (no replay). */
    public void goLiveNow() {
        synchronized (this) {
            long[] position = live.claimedSnapshot();
            startAt(position);
            goLiveIfCaughtUp(position);
        }
    }

    /**
     * The position up to which everything matching has been handed to the target: for a live subscription the
     * live consumer's dispatched position (or this subscription's own floor where it is ahead), for a replaying one
     * the replay reader's progress. Call with no event in flight for it (e.g. after {@link #close()}).
     */
    public synchronized long[] scannedPosition() {
        long[] position = isLive ? live.dispatchedSnapshot() : (replayPosition == null ? next.clone() : replayPosition.clone());
        for (int p = 0; p < position.length; p++) {
            position[p] = Math.max(position[p], isLive ? next[p] : 0);
        }
        return position;
    }

    private String tokenAbove(long[] positionsAfter) {
        boolean stillAhead = false;
        long[] merged = positionsAfter.clone();
        for (int p = 0; p < merged.length; p++) {
            if (floor[p] > merged[p]) {
                merged[p] = floor[p];
                stillAhead = true;
            }
        }
        if (!stillAhead) {
            floor = null;
            return null;
        }
        return ResumeToken.encode(merged);
    }

    private void hand(Delivery delivery, String token) {
        String gap = pendingGap;
        pendingGap = null;
        target.deliver(this, delivery, token, gap);
    }
}
