package io.fleetevents.poller.app;

import io.fleetevents.poller.coder.HttpCoderClient;
import io.fleetevents.poller.PollerProperties;
import io.fleetevents.poller.cycle.OptionalReads;
import io.fleetevents.poller.cycle.PollCycle;
import io.fleetevents.poller.cycle.PollIds;
import io.fleetevents.poller.cycle.PollLoop;
import io.fleetevents.poller.cycle.PollerHealth;
import io.fleetevents.poller.cycle.SnapshotOrder;
import io.fleetevents.poller.watch.BuildStream;
import io.fleetevents.poller.watch.ImmediateReads;
import io.fleetevents.poller.watch.PushSources;
import io.fleetevents.poller.watch.RequestPacer;
import io.fleetevents.poller.watch.WorkspaceWatches;
import io.fleetevents.poller.webhook.WebhookIntake;
import io.fleetevents.poller.publish.KafkaSnapshotSink;
import io.fleetevents.poller.snapshot.ChangeDetector;
import io.fleetevents.poller.snapshot.TickingFields;
import io.fleetevents.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the poller from {@link PollerProperties}. The lifecycle is {@link PollerLifecycle}'s alone. */
@Configuration(proxyBeanMethods = false)
class PollerConfiguration {

    /** {@link PollerProperties} with environment fallbacks applied: the only configuration the beans below read. */
    record Resolved(PollerProperties value) {
    }

    @Bean
    Resolved resolvedPollerProperties(PollerProperties props, Environment environment) {
        return new Resolved(props.resolved(environment));
    }

    @Bean
    Clock pollerClock() {
        return Clock.systemUTC();
    }

    @Bean
    PollerMetrics pollerMetrics(MeterRegistry registry) {
        return new PollerMetrics(registry);
    }

    @Bean
    PollerHealth pollerHealth() {
        return new PollerHealth();
    }

    @Bean
    OptionalReads optionalReads(PollerMetrics metrics) {
        return new OptionalReads(metrics);
    }

    @Bean(destroyMethod = "close")
    HttpCoderClient coderClient(Resolved resolved, PollerMetrics metrics, Clock pollerClock) {
        PollerProperties props = resolved.value();
        PollerProperties.Coder coder = props.coder();
        PollerProperties.Retry retry = props.retry();
        return new HttpCoderClient(new HttpCoderClient.Settings(coder.url(), token(coder), coder.pageSize(),
                coder.connectTimeout(), coder.requestTimeout(), coder.tasks(), coder.tasksProbeInterval(),
                retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff()), metrics, pollerClock);
    }

    @Bean(destroyMethod = "close")
    KafkaSnapshotSink snapshotSink(Resolved resolved) {
        PollerProperties props = resolved.value();
        PollerProperties.TopicSettings topic = props.topic();
        KafkaSnapshotSink sink = new KafkaSnapshotSink(Topics.AGENT_SNAPSHOTS.withName(topic.name()),
                props.kafka().bootstrapServers(), props.kafka().clientId(), props.kafka().producer(),
                new KafkaSnapshotSink.TopicSettings(topic.create(), topic.partitions(), topic.replicationFactor(),
                        Map.of("retention.ms", Long.toString(topic.retention().toMillis()))));
        try {
            sink.checkTopicPlacement(Duration.ofSeconds(10));
        } catch (IllegalStateException e) {
            sink.close();
            throw e;
        }
        return sink;
    }

    @Bean
    SnapshotOrder snapshotOrder() {
        return new SnapshotOrder();
    }

    @Bean
    PollIds pollIds(Clock pollerClock) {
        return new PollIds(pollerClock);
    }

    @Bean
    PollCycle pollCycle(Resolved resolved, HttpCoderClient coderClient, KafkaSnapshotSink snapshotSink,
                        Clock pollerClock, OptionalReads optionalReads, SnapshotOrder snapshotOrder) {
        PollerProperties props = resolved.value();
        TickingFields ticking;
        try {
            ticking = new TickingFields(props.tickingFields());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("fleet.poller.ticking-fields: " + e.getMessage(), e);
        }
        return new PollCycle(coderClient, snapshotSink, new ChangeDetector(props.fullRefresh()), ticking,
                props.deployment(), props.cycleTimeout(), pollerClock, optionalReads,
                props.departures().maxDeletedWorkspaceReads(), props.departures().maxDepartingAgentReads(),
                props.maxAppStatuses(), snapshotOrder);
    }

    @Bean(destroyMethod = "close")
    PushSources pushSources(Resolved resolved, HttpCoderClient coderClient, PollCycle pollCycle, PollIds pollIds,
                            SnapshotOrder snapshotOrder, PollerMetrics pollerMetrics, Clock pollerClock) {
        PollerProperties props = resolved.value();
        PollerProperties.Watch watch = props.watch();
        RequestPacer pacer = new RequestPacer(watch.maxRequestsPerMinute());
        ImmediateReads reads = new ImmediateReads(coderClient, pollCycle::writePushed, pollIds::current, pollerClock,
                props.coder().requestTimeout(), watch.maxPendingReads(), pacer, pollerMetrics);
        WorkspaceWatches watches = watch.enabled() && watch.maxWatchedWorkspaces() > 0
                ? new WorkspaceWatches(coderClient, pollCycle::writePushed, pollIds::current, snapshotOrder, pollerClock,
                        new WorkspaceWatches.Settings(watch.maxWatchedWorkspaces(), watch.reconnectInitialBackoff(),
                                watch.reconnectMaxBackoff(), watch.idleTimeout(), watch.failuresBeforeFallback(),
                                watch.openSpread(), watch.notFoundRetry()), pacer, pollerMetrics)
                : null;
        BuildStream buildStream = watch.buildStream()
                ? new BuildStream(coderClient, reads, watch.reconnectInitialBackoff(), watch.reconnectMaxBackoff(),
                        watch.buildStreamProbeInterval(), pollerMetrics)
                : null;
        PushSources push = new PushSources(watches, buildStream, reads);
        pollerMetrics.watch(push);
        return push;
    }

    @Bean
    WebhookIntake webhookIntake(Resolved resolved, PollCycle pollCycle, PushSources pushSources) {
        PollerProperties.Webhook webhook = resolved.value().webhook();
        // a bean only when configured: without it the controller answers that the intake is off
        return webhook.enabled() ? new WebhookIntake(webhook.secret(), webhook.rememberedIds(), pollCycle::fleetView,
                pushSources.reads()::request) : null;
    }

    @Bean
    PollLoop pollLoop(Resolved resolved, PollCycle pollCycle, PollIds pollIds, PollerHealth pollerHealth,
                      PollerMetrics pollerMetrics, Clock pollerClock, PushSources pushSources) {
        PollerProperties.Backoff backoff = resolved.value().backoff();
        PollLoop.Listener listener = (outcome, now) -> {
            pollerMetrics.cycle(outcome, now);
            if (outcome.complete()) {
                pushSources.afterCycle(pollCycle.fleetView());
            }
        };
        return new PollLoop(pollCycle, new PollLoop.Settings(resolved.value().interval(), backoff.maxFailureWait(),
                backoff.authRetryInterval(), backoff.maxSlowdown()), pollIds, pollerHealth, listener, pollerClock);
    }

    private static String token(PollerProperties.Coder coder) {
        if (coder.token() != null && !coder.token().isBlank()) {
            return coder.token().trim();
        }
        Path file = Path.of(coder.tokenFile());
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new IllegalStateException("fleet.poller.coder.token-file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("fleet.poller.coder.token-file " + file + " cannot be read: " + e, e);
        }
    }
}
