package io.fleetevents.broadcaster.capacity;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.fanout.KafkaClients;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Follows {@code fleet.capacity} from its beginning (it is compacted, so the start holds the latest sample of every
 * scope plus the recent history not yet compacted) and keeps the newest samples of each scope in memory.
 */
@Component
public class CapacityHistory implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityHistory.class);

    private final Map<String, ArrayDeque<CapacitySample>> byScope = new ConcurrentHashMap<>();
    private final String bootstrapServers;
    private final CapacityProperties config;
    private volatile KafkaConsumer<String, CapacitySample> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    /** Released by {@link #stop()}: ends the wait for a topic that does not exist yet. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * The app's constructor: the same brokers as the live feed, which resolves the fallbacks
     * ({@code spring.kafka.bootstrap-servers}, {@code KAFKA_BOOTSTRAP_SERVERS}) when
     * {@code fleet.broadcaster.kafka.bootstrap-servers} is unset, as in docker-compose.yml.
     */
    @Autowired
    CapacityHistory(KafkaClients clients, CapacityProperties config) {
        this(clients.bootstrapServers(), config);
    }

    /** For tests that bind {@code fleet.broadcaster.kafka.bootstrap-servers} themselves. */
    CapacityHistory(BroadcasterProperties properties, CapacityProperties config) {
        this(properties.kafka().bootstrapServers(), config);
    }

    private CapacityHistory(String bootstrapServers, CapacityProperties config) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
    }

    private final List<java.util.function.Consumer<CapacitySample>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Calls {@code listener} on the follower thread for every sample read after this call; it must not block. */
    public void addListener(java.util.function.Consumer<CapacitySample> listener) {
        listeners.add(listener);
    }

    /** Every scope with at least one sample, sorted. */
    public List<String> scopes() {
        return byScope.keySet().stream().sorted().toList();
    }

    /** The newest sample of {@code scope}, or null. */
    public CapacitySample latest(String scope) {
        ArrayDeque<CapacitySample> samples = byScope.get(scope);
        if (samples == null) {
            return null;
        }
        synchronized (samples) {
            return samples.peekLast();
        }
    }

    /** The newest samples of {@code scope}, oldest first. */
    public List<CapacitySample> samples(String scope) {
        ArrayDeque<CapacitySample> samples = byScope.get(scope);
        if (samples == null) {
            return List.of();
        }
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void start() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleet-events-broadcaster-capacity");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), Topics.FLEET_CAPACITY.valueSerde().deserializer());
        running = true;
        thread = new Thread(this::follow, "capacity-history");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(config.topic(), Duration.ofSeconds(5));
                partitions = infos == null ? List.of()
                        : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                if (partitions.isEmpty() && stopped.await(2, TimeUnit.SECONDS)) {
                    return; // the topic does not exist yet (the processor creates it): look again, until stopped
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                try {
                    for (ConsumerRecord<String, CapacitySample> record : consumer.poll(Duration.ofSeconds(1))) {
                        if (record.value() != null) {
                            add(record.value());
                        }
                    }
                } catch (SerializationException e) {
                    // A bad sample is skipped, not fatal: the chart just misses one point.
                    LOG.warn("skipping an unreadable record on {}: {}", config.topic(), e.getMessage());
                    skipBadRecord(e);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("capacity history stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void skipBadRecord(SerializationException e) {
        if (e instanceof org.apache.kafka.common.errors.RecordDeserializationException bad) {
            consumer.seek(bad.topicPartition(), bad.offset() + 1);
        }
    }

    private void add(CapacitySample sample) {
        ArrayDeque<CapacitySample> samples = byScope.computeIfAbsent(sample.scope(), s -> new ArrayDeque<>());
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > config.samplesPerScope()) {
                samples.removeFirst();
            }
        }
        for (java.util.function.Consumer<CapacitySample> listener : listeners) {
            try {
                listener.accept(sample);
            } catch (RuntimeException e) {
                LOG.warn("capacity listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        stopped.countDown();
        KafkaConsumer<String, CapacitySample> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
