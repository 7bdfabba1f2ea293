package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.SubscriptionFilter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events/stream}: Server-Sent Events with the STOMP filters as query parameters
 * ({@code event_types}, {@code agent_ids}, {@code severity_min} or {@code filter}), resume with {@code Last-Event-ID}
 * (or {@code resume_token}), {@code replay_from} for time/earliest.
 */
@RestController
class EventStreamController implements DisposableBean {

    private final TokenAuthenticator authenticator;
    private final Subscriptions subscriptions;
    private final ConnectionLimiter limiter;
    private final BroadcasterMetrics metrics;
    private final BroadcasterProperties properties;
    private final ExecutorService writers;
    private final OutboxLimits limits;
    private final ScheduledExecutorService ticker;
    private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    EventStreamController(TokenAuthenticator authenticator, Subscriptions subscriptions, ConnectionLimiter limiter,
                          BroadcasterMetrics metrics, BroadcasterProperties properties) {
        this.authenticator = authenticator;
        this.subscriptions = subscriptions;
        this.limiter = limiter;
        this.metrics = metrics;
        this.properties = properties;
        BroadcasterProperties.Stomp buffer = properties.stomp();
        // bounded in frames only; a replay waits while a quarter of the queue is in use; the emitter's blocking
        // writes have no send timeout of ours
        this.limits = new OutboxLimits(buffer.sendBufferFrames(), Long.MAX_VALUE, buffer.maxBatchBytes(), 0,
                buffer.sendBufferFrames() / 4, Long.MAX_VALUE);
        AtomicInteger count = new AtomicInteger();
        this.writers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fleet-events-sse-writer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-events-sse-heartbeats");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> {
            long now = System.currentTimeMillis();
            open.forEach(connection -> connection.tick(now));
        }, 1, 1, TimeUnit.SECONDS);
    }

    @GetMapping(value = "/api/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(
            @RequestHeader(value = "Authorization", required = false) String authorization,
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(value = "access_token", required = false) String accessToken,
            @RequestParam(value = "resume_token", required = false) String resumeToken,
            @RequestParam(value = "replay_from", required = false) String replayFrom,
            @RequestParam(value = "filter", required = false) String filterJson,
            @RequestParam(value = "event_types", required = false) String eventTypes,
            @RequestParam(value = "agent_ids", required = false) String agentIds,
            @RequestParam(value = "severity_min", required = false) String severityMin) {
        Caller caller = HttpRequests.authenticate(authenticator, authorization, accessToken);
        SubscriptionFilter filter = HttpRequests.filter(filterJson, eventTypes, agentIds, severityMin);
        String token = lastEventId != null && !lastEventId.isBlank() ? lastEventId : resumeToken;
        ReplayStart start = ReplayStart.parse(token, replayFrom);
        String refused = limiter.tryConnectPermit();
        if (refused == null) {
            refused = limiter.tryOpen();
            if (refused == null) {
                refused = limiter.tryAttach(caller.name());
                if (refused != null) {
                    limiter.closed();
                }
            }
        }
        if (refused != null) {
            throw new LimitExceededException(refused);
        }
        SseEmitter emitter = new SseEmitter(0L);
        String id = "sse-" + ids.incrementAndGet();
        SseConnection connection = new SseConnection(id, emitter, outbox -> writers.execute(outbox::pump), limits,
                properties.http().sseHeartbeat().toMillis(), subscriptions, metrics, caller);
        Subscription subscription;
        try {
            subscription = subscriptions.open(id, caller, filter, start, connection.target());
        } catch (RuntimeException e) {
            limiter.closed();
            limiter.detach(caller.name());
            throw e;
        }
        connection.attach(subscription);
        open.add(connection);
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                open.remove(connection);
                connection.closed();
                subscriptions.close(subscription);
                limiter.closed();
                limiter.detach(caller.name());
            }
        };
        emitter.onCompletion(release);
        emitter.onTimeout(release);
        emitter.onError(error -> release.run());
        return emitter;
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
        writers.shutdownNow();
    }
}
