package io.fleetevents.poller.publish;

import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topic;
import io.fleetevents.schemas.ops.TopicPlacement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producer behind {@link SnapshotSink}: idempotent, {@code acks=all}, zstd, records sent to explicit
 * partitions. Headers: {@code kind} ({@code agent_snapshot} / {@code cycle_complete}), {@code deployment},
 * {@code poll_id}, {@code content-type: application/json}, so consumers can route without parsing.
 */
public final class KafkaSnapshotSink implements SnapshotSink {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSnapshotSink.class);

    private final Topic<String, SnapshotRecord> topic;
    private final KafkaProducer<String, SnapshotRecord> producer;
    private final Properties adminProperties;
    private final TopicSettings topicSettings;
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean topicReady;

    /**
     * Topic creation settings.
     *
     * @param create            create the topic when missing
     * @param partitions        partitions when creating
     * @param replicationFactor replication when creating; -1 = the broker's default
     * @param configs           topic configs when creating (on top of the contract's)
     */
    public record TopicSettings(boolean create, int partitions, short replicationFactor, Map<String, String> configs) {
    }

    /**
     * @param topic          the snapshot topic (name from configuration)
     * @param bootstrap      bootstrap servers
     * @param clientId       client id prefix
     * @param extraProducer  extra producer properties (override the defaults below except the safety ones)
     */
    public KafkaSnapshotSink(Topic<String, SnapshotRecord> topic, String bootstrap, String clientId,
                             Map<String, String> extraProducer, TopicSettings topicSettings) {
        this.topic = topic;
        this.topicSettings = topicSettings;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        // zstd level 1 instead of Kafka's default 3: compression runs on the poll thread as records are appended, and
        // in same-run A/Bs of a 10,000-workspace first cycle (PollerBenchmark) level 1 took 30-50 % less poll-thread
        // CPU, with wire bytes no larger (Coder JSON compresses mostly by repetition, which level 1 already finds).
        props.put(ProducerConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, "1");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        // A marker lists every key of its partition: at 100,000 agents over 6 partitions that is ~0.7 MB of JSON.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * 1024 * 1024));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        // metadata waits and a full buffer block the poll thread at most this long (a down broker fails the cycle)
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.putAll(extraProducer);
        // Not overridable: the contract's delivery guarantees.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), counting(topic.valueSerde().serializer()));
        this.adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        adminProperties.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
    }

    private Serializer<SnapshotRecord> counting(Serializer<SnapshotRecord> inner) {
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topicName, SnapshotRecord data) {
                byte[] out = inner.serialize(topicName, data);
                bytes.addAndGet(out == null ? 0 : out.length);
                return out;
            }
        };
    }

    @Override
    public int partitions(Duration timeout) {
        if (!topicReady && topicSettings.create()) {
            ensureTopic(timeout);
        }
        try {
            List<PartitionInfo> infos = producer.partitionsFor(topic.name());
            topicReady = true;
            return infos.size();
        } catch (RuntimeException e) {
            throw new PublishException("cannot read the partitions of " + topic.name() + ": " + e.getMessage(), e);
        }
    }

    private void ensureTopic(Duration timeout) {
        Map<String, String> configs = new HashMap<>(topic.configs());
        configs.putAll(topicSettings.configs());
        Optional<Short> replication = topicSettings.replicationFactor() < 0 ? Optional.empty()
                : Optional.of(topicSettings.replicationFactor());
        Properties props = new Properties();
        props.putAll(adminProperties);
        // bounded by the cycle's budget and by 15 s: an unreachable broker should fail a cycle quickly
        int millis = (int) Math.max(1000, Math.min(15_000, timeout.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        Admin admin = Admin.create(props);
        try {
            if (!admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS).contains(topic.name())) {
                placementProblem(admin, millis).ifPresent(problem -> {
                    throw new PublishException(problem, null);
                });
            }
            admin.createTopics(List.of(new NewTopic(topic.name(), Optional.of(topicSettings.partitions()), replication)
                    .configs(configs))).all().get(millis, TimeUnit.MILLISECONDS);
            LOG.info("created topic {} with {} partitions", topic.name(), topicSettings.partitions());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new PublishException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new PublishException("timed out creating topic " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted creating topic " + topic.name(), e);
        } finally {
            // never wait for pending admin calls: an unreachable broker must not hold the cycle past its budget
            admin.close(Duration.ZERO);
        }
    }

    /**
     * At start: when the topic is missing and is to be created here, whether the cluster can hold it with the
     * configured replication and accept {@code acks=all} writes to it. Throws naming the key and the broker count when
     * it cannot, so the poller refuses to start; a cluster that does not answer within {@code timeout} is left to the
     * poll cycles, which retry.
     */
    public void checkTopicPlacement(Duration timeout) {
        if (!topicSettings.create()) {
            return;
        }
        Properties props = new Properties();
        props.putAll(adminProperties);
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis));
        Admin admin = Admin.create(props);
        try {
            if (admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS).contains(topic.name())) {
                return;
            }
            Optional<String> problem = placementProblem(admin, millis);
            if (problem.isPresent()) {
                throw new IllegalStateException(problem.get());
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not check at start whether Kafka can hold topic {} ({}); the poll cycles will create it",
                    topic.name(), e.getCause() != null ? e.getCause().toString() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private Optional<String> placementProblem(Admin admin, int millis)
            throws ExecutionException, InterruptedException, TimeoutException {
        return TopicPlacement.of(admin, Duration.ofMillis(millis)).problem(topicSettings.replicationFactor(), "fleet.poller.topic.replication-factor")
                .map(problem -> "cannot create topic " + topic.name() + ": " + problem);
    }

    @Override
    public CompletableFuture<Void> send(int partition, String key, SnapshotRecord value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("kind", utf8(value instanceof CycleMarker ? CycleMarker.KIND : AgentSnapshot.KIND));
        headers.add("deployment", utf8(value.deployment()));
        headers.add("poll_id", utf8(Long.toString(value.pollId())));
        headers.add("content-type", utf8("application/json"));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic.name(), partition, key, value, headers), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public long bytesSent() {
        return bytes.get();
    }

    @Override
    public long wireBytesSent() {
        for (Map.Entry<MetricName, ? extends Metric> metric : producer.metrics().entrySet()) {
            MetricName name = metric.getKey();
            if ("outgoing-byte-total".equals(name.name()) && "producer-metrics".equals(name.group())) {
                Object value = metric.getValue().metricValue();
                return value instanceof Number n ? n.longValue() : -1;
            }
        }
        return -1;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
