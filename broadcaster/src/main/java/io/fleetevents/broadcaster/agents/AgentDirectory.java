package io.fleetevents.broadcaster.agents;

import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest {@link FleetAgent} of every agent key, rebuilt at start by reading {@code fleet.agents} from its
 * beginning ({@code read_committed}) and kept current by following it; a tombstone removes the agent. Reads are
 * lock-free snapshots of concurrent maps; one follower thread writes. {@link #isReady()} turns true once the
 * follower has reached the end offsets the topic had when it started, so a fresh instance never answers with half a
 * fleet.
 */
public final class AgentDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(AgentDirectory.class);

    private final String bootstrapServers;
    private final AgentsProperties config;
    private final Map<String, FleetAgent> byKey = new ConcurrentHashMap<>();
    private final Map<String, String> keyByPath = new ConcurrentHashMap<>();
    private final Map<String, String> keyByAgentId = new ConcurrentHashMap<>();
    private final List<Consumer<AgentChange>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, FleetAgent> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    public AgentDirectory(String bootstrapServers, AgentsProperties config, MeterRegistry registry) {
        this.bootstrapServers = bootstrapServers;
        this.config = config;
        Gauge.builder("fleet.broadcaster.agents", byKey, Map::size)
                .description("Agents in this instance's in-memory view of fleet.agents").register(registry);
        Gauge.builder("fleet.broadcaster.agents.ready", this, d -> d.isReady() ? 1 : 0)
                .description("1 once the view of fleet.agents has caught up with the topic at start").register(registry);
    }

    /** Calls {@code listener} on the follower thread for every change after this call; it must not block. */
    public void addListener(Consumer<AgentChange> listener) {
        listeners.add(listener);
    }

    /** Whether the view holds the whole topic as it was at start (and everything since). */
    public boolean isReady() {
        return caughtUp.getCount() == 0;
    }

    /** Waits up to {@code timeout} for {@link #isReady()}; returns it. */
    public boolean awaitReady(Duration timeout) {
        try {
            return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every agent now, in no particular order. */
    public Collection<FleetAgent> all() {
        return List.copyOf(byKey.values());
    }

    /** The agent whose key, path or current agent UUID is {@code identity}, or null. */
    public FleetAgent find(String identity) {
        if (identity == null || identity.isBlank()) {
            return null;
        }
        FleetAgent agent = byKey.get(identity);
        if (agent != null) {
            return agent;
        }
        String key = keyByPath.get(identity);
        if (key == null) {
            key = keyByAgentId.get(identity);
        }
        return key == null ? null : byKey.get(key);
    }

    public void start() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleet-events-broadcaster-agents");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), Topics.FLEET_AGENTS.valueSerde().deserializer());
        running = true;
        thread = new Thread(this::follow, "agent-directory");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        stopped.countDown();
        KafkaConsumer<String, FleetAgent> c = consumer;
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

    private void follow() {
        try {
            List<TopicPartition> partitions = List.of();
            while (running && partitions.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(config.topic(), Duration.ofSeconds(5));
                partitions = infos == null ? List.of()
                        : infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                if (partitions.isEmpty()) {
                    // No topic yet: the processor creates it. An empty fleet is the truth until then.
                    caughtUp.countDown();
                    if (stopped.await(2, TimeUnit.SECONDS)) {
                        return;
                    }
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                try {
                    for (ConsumerRecord<String, FleetAgent> record : consumer.poll(config.pollTimeout())) {
                        apply(record.key(), record.value());
                    }
                } catch (RecordDeserializationException e) {
                    // A record that is not a FleetAgent is skipped: the agent keeps its previous state.
                    LOG.warn("skipping an unreadable record on {} partition {} offset {}: {}", config.topic(),
                            e.topicPartition().partition(), e.offset(), e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                } catch (SerializationException e) {
                    LOG.warn("unreadable record on {}: {}", config.topic(), e.getMessage());
                }
                if (caughtUp.getCount() > 0 && reached(end)) {
                    LOG.info("fleet.agents view ready: {} agents", byKey.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("agent directory stopped following {}: {}", config.topic(), e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Applies one record; package-visible for tests. */
    void apply(String key, FleetAgent value) {
        if (key == null) {
            return;
        }
        FleetAgent previous = value == null ? byKey.remove(key) : byKey.put(key, value);
        if (previous != null) {
            unindex(key, previous);
        }
        if (value != null) {
            if (value.agent().path() != null) {
                keyByPath.put(value.agent().path(), key);
            }
            if (value.agentId() != null) {
                keyByAgentId.put(value.agentId(), key);
            }
        }
        if (previous == null && value == null) {
            return;
        }
        AgentChange change = new AgentChange(key, previous, value);
        for (Consumer<AgentChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.warn("agent change listener failed: {}", e.toString());
            }
        }
    }

    private void unindex(String key, FleetAgent previous) {
        if (previous.agent().path() != null) {
            keyByPath.remove(previous.agent().path(), key);
        }
        if (previous.agentId() != null) {
            keyByAgentId.remove(previous.agentId(), key);
        }
    }

    /** Snapshot of all agents matching {@code test}, for callers that filter. */
    public List<FleetAgent> select(java.util.function.Predicate<FleetAgent> test) {
        List<FleetAgent> out = new ArrayList<>();
        for (FleetAgent agent : byKey.values()) {
            if (test.test(agent)) {
                out.add(agent);
            }
        }
        return out;
    }
}
