package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.SubscriptionFilter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/** {@code GET /api/events?after=<token>&limit=100&wait=30s} → {@code {"events": [...], "next": "<token>"}}. */
@RestController
class LongPollController {

    private final TokenAuthenticator authenticator;
    private final Subscriptions subscriptions;
    private final BroadcasterMetrics metrics;
    private final BroadcasterProperties.Http config;
    private final AtomicLong ids = new AtomicLong();

    LongPollController(TokenAuthenticator authenticator, Subscriptions subscriptions, BroadcasterMetrics metrics,
                       BroadcasterProperties properties) {
        this.authenticator = authenticator;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.config = properties.http();
    }

    @GetMapping("/api/events")
    DeferredResult<ResponseEntity<String>> poll(
            @RequestHeader(value = "Authorization", required = false) String authorization,
            @RequestParam(value = "access_token", required = false) String accessToken,
            @RequestParam(value = "after", required = false) String after,
            @RequestParam(value = "replay_from", required = false) String replayFrom,
            @RequestParam(value = "limit", required = false, defaultValue = "100") String limitText,
            @RequestParam(value = "wait", required = false) String waitText,
            @RequestParam(value = "filter", required = false) String filterJson,
            @RequestParam(value = "event_types", required = false) String eventTypes,
            @RequestParam(value = "agent_ids", required = false) String agentIds,
            @RequestParam(value = "severity_min", required = false) String severityMin) {
        Caller caller = HttpRequests.authenticate(authenticator, authorization, accessToken);
        int limit;
        try {
            limit = Integer.parseInt(limitText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit '" + limitText + "' is not a number");
        }
        if (limit < 1 || limit > config.longPollMaxLimit()) {
            throw new IllegalArgumentException("limit must be between 1 and " + config.longPollMaxLimit());
        }
        Duration wait = HttpRequests.duration("wait", waitText, config.longPollMaxWait());
        SubscriptionFilter filter = HttpRequests.filter(filterJson, eventTypes, agentIds, severityMin);
        ReplayStart start = ReplayStart.parse(after, replayFrom);
        // the deferred result's own timeout is a backstop; the collector answers at wait (+ a replay still running)
        DeferredResult<ResponseEntity<String>> result = new DeferredResult<>(wait.toMillis() + 60_000L);
        LongPollCollector collector = new LongPollCollector(limit, !wait.isZero(), subscriptions, metrics, result);
        result.onTimeout(collector::complete);
        Subscription subscription = subscriptions.open("poll-" + ids.incrementAndGet(), caller, filter, start, collector);
        collector.attach(subscription);
        if (subscription.isLive() && !wait.isZero()) {
            java.util.concurrent.CompletableFuture.delayedExecutor(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(collector::complete);
        } else if (subscription.isLive() || subscription.isClosed()) {
            collector.complete();
        } else {
            java.util.concurrent.CompletableFuture.delayedExecutor(Math.max(wait.toMillis(), 1), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        if (subscription.isLive() || wait.toMillis() > 0) {
                            collector.complete();
                        }
                    });
        }
        return result;
    }
}
