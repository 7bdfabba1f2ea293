package io.fleetevents.broadcaster.app;

import io.fleetevents.broadcaster.fanout.LiveFeed;
import io.fleetevents.broadcaster.fanout.LivePosition;
import io.fleetevents.schemas.ops.ProgressWatch;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the live feed from outside: on its own thread, every {@code check-interval}, it reads the end offsets of
 * every partition of the events topic (Admin, high watermark) and compares them with the feed's read position. A
 * partition whose end keeps growing while the feed's position on it stays put for longer than {@code stalled-after}
 * means subscribers get nothing new from it although the consumer still polls: a transaction left open by a producer
 * (read_committed readers wait at it until {@code transaction.timeout.ms}), a partition added after the feed started,
 * a dispatch that blocks. Each change of verdict is logged once.
 */
public final class FeedProgressMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeedProgressMonitor.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private final LiveFeed feed;
    private final String topic;
    private final String bootstrapServers;
    private final FeedHealthProperties health;
    private final Clock clock;
    private final Map<Integer, ProgressWatch> watches = new HashMap<>();
    private final ScheduledExecutorService scheduler;
    private Admin admin;
    private volatile Map<Integer, String> causes = Map.of();
    private volatile String checkError;

    public FeedProgressMonitor(LiveFeed feed, String bootstrapServers, FeedHealthProperties health, Clock clock) {
        this.feed = feed;
        this.topic = feed.clients().topic();
        this.bootstrapServers = bootstrapServers;
        this.health = health;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-events-feed-health");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::check, 0, health.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the feed is stuck, per stuck partition; empty when it keeps up. */
    public List<String> causes() {
        return List.copyOf(causes.values());
    }

    /** Why the latest check could not read the topic, or null. */
    public String checkError() {
        return checkError;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private void check() {
        // Any failure must not end the schedule: a check that throws would silently freeze the verdict.
        try {
            LivePosition position = feed.position();
            if (position == null) {
                return; // not assigned yet: the readiness of the feed is the other indicator's business
            }
            Map<Integer, Long> ends = endOffsets();
            checkError = null;
            Map<Integer, String> found = new LinkedHashMap<>();
            for (Map.Entry<Integer, Long> e : ends.entrySet()) {
                int p = e.getKey();
                // A partition the feed does not read (added after it started) stays at 0 and counts as stuck.
                long at = p < position.partitions() ? position.claimed(p) : 0;
                Optional<ProgressWatch.Stall> stall = watches.computeIfAbsent(p, k -> new ProgressWatch(health.stalledAfter()))
                        .observe(clock.instant(), at, e.getValue());
                stall.ifPresent(s -> found.put(p, "the live feed has not advanced on " + topic + "-" + p + " for "
                        + s.duration().toSeconds() + " s while the partition grew by " + s.grownBy() + " record(s) "
                        + "(feed at offset " + s.position() + ", end " + s.end() + "; longer than "
                        + "fleet.broadcaster.health.stalled-after=" + health.stalledAfter() + "): subscribers get nothing new "
                        + "from it; check for a producer transaction left open on " + topic + " (read_committed "
                        + "readers wait until the broker aborts it after transaction.timeout.ms), partitions added "
                        + "since this instance started (restart it), or a blocked live-feed thread"));
            }
            report(causes, found);
            causes = Collections.unmodifiableMap(found);
        } catch (FeedReadException e) {
            checkError = e.getMessage();
        } catch (RuntimeException e) {
            checkError = e.toString();
            LOG.warn("live feed health check failed: {}", e.toString());
        }
    }

    /** Logs once per change in the set of stuck partitions, not at every check whose figures moved. */
    private static void report(Map<Integer, String> before, Map<Integer, String> after) {
        if (after.keySet().equals(before.keySet())) {
            return;
        }
        if (after.isEmpty()) {
            LOG.info("live feed health recovered: {}", String.join("; ", before.values()));
        } else {
            LOG.error("live feed health DOWN: {}", String.join("; ", after.values()));
        }
    }

    /** The high watermark of every partition of the topic: what producers have written, committed or not. */
    private Map<Integer, Long> endOffsets() {
        Admin a = admin();
        TopicDescription description = get(a.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic)
                .get(topic);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (TopicPartitionInfo p : description.partitions()) {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> offsets = get(a.listOffsets(latest).all(),
                "read the end offsets of " + topic);
        Map<Integer, Long> ends = new LinkedHashMap<>();
        offsets.forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    private Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "fleet-events-broadcaster-health");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis() / 2);
            admin = Admin.create(props);
        }
        return admin;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new FeedReadException("cannot " + what + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new FeedReadException("timed out trying to " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedReadException("interrupted trying to " + what);
        }
    }

    /** A read from Kafka that failed this time; the check reports it and carries on. */
    private static final class FeedReadException extends RuntimeException {
        FeedReadException(String message) {
            super(message, null, false, false);
        }
    }
}
