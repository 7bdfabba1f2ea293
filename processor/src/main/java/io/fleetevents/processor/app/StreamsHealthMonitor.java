package io.fleetevents.processor.app;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.schemas.ops.ProgressWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the ways the processor fails while Kafka Streams still reports a live state, by looking at it from outside
 * with public APIs only: the cluster (Admin: brokers, their transaction-log settings, {@code __transaction_state}),
 * the input's end offsets against the group's committed offsets, and how long Streams has been rebalancing. It
 * samples on its own thread every {@code check-interval}, so a health request never waits for Kafka; the verdict is
 * the latest sample's. Each change of verdict is logged once, with the cause and what to check.
 */
final class StreamsHealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsHealthMonitor.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The causes found by the latest check by kind ({@code transactions}, {@code rebalancing}, {@code stalled}; empty:
     * nothing wrong found) and the facts behind them.
     */
    record Verdict(Map<String, String> byKind, Map<String, Object> details) {
        static final Verdict NONE = new Verdict(Map.of(), Map.of());

        List<String> causes() {
            return List.copyOf(byKind.values());
        }
    }

    private final StreamsLifecycle lifecycle;
    private final ProcessorConfig config;
    private final ProcessorHealthConfig health;
    private final Clock clock;
    private final ProgressWatch progress;
    private final ScheduledExecutorService scheduler;
    private Admin admin;
    private volatile Verdict verdict = Verdict.NONE;

    StreamsHealthMonitor(StreamsLifecycle lifecycle, ProcessorHealthConfig health, Clock clock) {
        this.lifecycle = lifecycle;
        this.config = lifecycle.config();
        this.health = health;
        this.clock = clock;
        this.progress = new ProgressWatch(health.stalledAfter());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-processor-health");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::check, 0, health.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    Verdict verdict() {
        return verdict;
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
            Verdict next = evaluate();
            report(verdict, next);
            verdict = next;
        } catch (RuntimeException e) {
            LOG.warn("processor health check failed: {}", e.toString());
        }
    }

    private Verdict evaluate() {
        KafkaStreams.State state = lifecycle.state();
        if (state == null) {
            progress.reset();
            return Verdict.NONE;
        }
        Instant now = clock.instant();
        Map<String, String> causes = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();

        TransactionLog txn = null;
        if (config.streams().exactlyOnce()) {
            try {
                txn = readTransactionLog();
                details.put("brokers", txn.brokers());
                txn.problem().ifPresent(cause -> causes.put("transactions", cause));
            } catch (KafkaReadException e) {
                errors.add(e.getMessage());
            }
        }

        if (state == KafkaStreams.State.REBALANCING) {
            Instant since = latest(lifecycle.stateSince(), lifecycle.lastRestoreProgress());
            Duration rebalancing = since == null ? Duration.ZERO : Duration.between(since, now);
            details.put("rebalancing_seconds", rebalancing.toSeconds());
            if (rebalancing.compareTo(health.rebalancingAfter()) >= 0) {
                causes.put("rebalancing", "Kafka Streams has been rebalancing for " + rebalancing.toSeconds() + " s without restoring "
                        + "state (longer than fleet.processor.health.rebalancing-after=" + health.rebalancingAfter()
                        + "); " + (txn != null
                        ? "with exactly_once_v2 the usual cause is transactions that cannot initialise: check the "
                          + "brokers' " + txn.settings()
                        : "check the brokers and the other members of group " + config.applicationId()));
            }
        }

        try {
            long[] positionAndEnd = readInputPosition();
            long position = positionAndEnd[0];
            long end = positionAndEnd[1];
            details.put("input_lag", Math.max(0, end - position));
            progress.observe(now, position, end).ifPresent(stall -> causes.put("stalled", "Kafka Streams has made no progress on "
                    + config.topics().snapshots() + " for " + stall.duration().toSeconds() + " s while its input grew "
                    + "by " + stall.grownBy() + " record(s) to a lag of " + stall.lag() + " (longer than "
                    + "fleet.processor.health.stalled-after=" + health.stalledAfter() + "); check this processor's log "
                    + "for stream-thread errors and the brokers for output topics it cannot write (min.insync.replicas "
                    + "above the in-sync replicas)"));
        } catch (KafkaReadException e) {
            errors.add(e.getMessage());
        }

        if (!errors.isEmpty()) {
            details.put("check_error", String.join("; ", errors));
            // What could not be read this time stays as last known, rather than turning a DOWN into an UP.
            verdict.byKind().forEach(causes::putIfAbsent);
        }
        return new Verdict(Collections.unmodifiableMap(causes), Map.copyOf(details));
    }

    /** Logs once per change in the kinds of cause, not at every check whose figures moved. */
    private static void report(Verdict before, Verdict after) {
        if (after.byKind().keySet().equals(before.byKind().keySet())) {
            return;
        }
        if (after.causes().isEmpty()) {
            LOG.info("processor health recovered: {}", String.join("; ", before.causes()));
        } else {
            LOG.error("processor health DOWN: {}", String.join("; ", after.causes()));
        }
    }

    private TransactionLog readTransactionLog() {
        Admin a = admin();
        Collection<Node> nodes = get(a.describeCluster().nodes(), "describe the cluster");
        if (nodes.isEmpty()) {
            throw new KafkaReadException("the cluster reports no brokers");
        }
        int brokers = nodes.size();
        // Brokers of one cluster share these settings in practice; whichever broker creates the log uses its own.
        // The largest values are the ones that can fail, so take the strictest over all brokers.
        List<ConfigResource> resources = nodes.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(n.id()))).toList();
        Map<ConfigResource, Config> configs = get(a.describeConfigs(resources).all(), "describe the brokers' configs");
        int replication = 0;
        int minIsr = 0;
        for (Config c : configs.values()) {
            replication = Math.max(replication, intValue(c.get("transaction.state.log.replication.factor")));
            minIsr = Math.max(minIsr, intValue(c.get("transaction.state.log.min.isr")));
        }
        boolean exists;
        int fewestInSync = Integer.MAX_VALUE;
        try {
            TopicDescription log = a.describeTopics(List.of(TransactionLog.TOPIC)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(TransactionLog.TOPIC);
            exists = true;
            for (TopicPartitionInfo p : log.partitions()) {
                fewestInSync = Math.min(fewestInSync, p.isr().size());
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new KafkaReadException("cannot describe " + TransactionLog.TOPIC + ": " + e.getCause());
            }
            exists = false;
        } catch (TimeoutException e) {
            throw new KafkaReadException("timed out describing " + TransactionLog.TOPIC);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaReadException("interrupted");
        }
        return new TransactionLog(brokers, replication, minIsr, exists, exists ? fewestInSync : 0);
    }

    /** The group's committed offsets and the input's last stable offsets, each summed over the input's partitions. */
    private long[] readInputPosition() {
        Admin a = admin();
        String input = config.topics().snapshots();
        TopicDescription topic = get(a.describeTopics(List.of(input)).allTopicNames(), "describe " + input).get(input);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (TopicPartitionInfo p : topic.partitions()) {
            latest.put(new TopicPartition(input, p.partition()), OffsetSpec.latest());
        }
        // read_committed: the position Streams can reach, so an open transaction upstream never counts as lag
        Map<TopicPartition, ListOffsetsResultInfo> ends = get(a.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(), "read the end offsets of " + input);
        Map<TopicPartition, OffsetAndMetadata> committed = get(a.listConsumerGroupOffsets(config.applicationId())
                .partitionsToOffsetAndMetadata(), "read the committed offsets of group " + config.applicationId());
        long position = 0;
        long end = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
            end += e.getValue().offset();
            OffsetAndMetadata c = committed.get(e.getKey());
            position += c == null ? 0 : c.offset();
        }
        return new long[] {position, end};
    }

    private Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-health");
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
            throw new KafkaReadException("cannot " + what + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaReadException("timed out trying to " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaReadException("interrupted trying to " + what);
        }
    }

    private static int intValue(ConfigEntry entry) {
        if (entry == null || entry.value() == null) {
            return 0;
        }
        try {
            return Integer.parseInt(entry.value().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    /** A read from Kafka that failed this time; the check reports it and carries on. */
    private static final class KafkaReadException extends RuntimeException {
        KafkaReadException(String message) {
            super(message, null, false, false);
        }
    }
}
