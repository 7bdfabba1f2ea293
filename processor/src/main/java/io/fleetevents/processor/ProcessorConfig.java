package io.fleetevents.processor;

import io.fleetevents.processor.capacity.CapacityPolicy;
import io.fleetevents.processor.diff.DiffPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The processor's whole configuration, bound from {@code fleet.processor.*}. Every key has a default (see
 * docs/processor.md); a bad value fails start-up with a message naming the key.
 *
 * @param applicationId     Kafka Streams {@code application.id}: consumer group, prefix of internal topics
 *                          (default {@code fleet-events-processor})
 * @param bootstrapServers  Kafka bootstrap servers; default {@code spring.kafka.bootstrap-servers}, then
 *                          {@code KAFKA_BOOTSTRAP_SERVERS}, then {@code localhost:9092} (resolved by the app)
 * @param topics            topic names and creation settings
 * @param capacity          capacity sampling and CAPACITY_WARNING policy
 * @param streams           Kafka Streams runtime settings
 * @param diff              the configurable rules of the agent diff (idle turn completions, disconnect grace)
 */
@ConfigurationProperties("fleet.processor")
public record ProcessorConfig(String applicationId, String bootstrapServers, TopicsConfig topics,
                              CapacityPolicy capacity, StreamsConfig streams, DiffPolicy diff) {

    @ConstructorBinding
    public ProcessorConfig {
        applicationId = applicationId == null || applicationId.isBlank() ? "fleet-events-processor" : applicationId;
        topics = topics == null ? TopicsConfig.defaults() : topics;
        capacity = capacity == null ? CapacityPolicy.defaults() : capacity;
        streams = streams == null ? StreamsConfig.defaults() : streams;
        diff = diff == null ? DiffPolicy.defaults() : diff;
    }

    /** All settings but the diff's, which take their defaults. */
    public ProcessorConfig(String applicationId, String bootstrapServers, TopicsConfig topics,
                           CapacityPolicy capacity, StreamsConfig streams) {
        this(applicationId, bootstrapServers, topics, capacity, streams, null);
    }

    /** All defaults (bootstrap servers unset). */
    public static ProcessorConfig defaults() {
        return new ProcessorConfig(null, null, null, null, null, null);
    }

    public ProcessorConfig withBootstrapServers(String servers) {
        return new ProcessorConfig(applicationId, servers, topics, capacity, streams, diff);
    }

    /**
     * Topic names and how the processor creates the topics it writes when they are missing.
     *
     * @param snapshots          input (default {@code coder.agent-snapshots})
     * @param events             output events (default {@code fleet.events})
     * @param capacity           output capacity samples (default {@code fleet.capacity})
     * @param agents             output current agent states, compacted (default {@code fleet.agents})
     * @param deadLetter         poison snapshots (default {@code <snapshots>.dlq})
     * @param partitions         partitions of topics created here (default 6)
     * @param replicationFactor  replication of topics created here; -1 = broker default (default -1)
     * @param create             whether to create missing topics at start (default true)
     */
    public record TopicsConfig(String snapshots, String events, String capacity, String agents, String deadLetter,
                               Integer partitions, Integer replicationFactor, Boolean create) {

        public TopicsConfig {
            snapshots = blankToDefault(snapshots, io.fleetevents.schemas.Topics.AGENT_SNAPSHOTS.name());
            events = blankToDefault(events, io.fleetevents.schemas.Topics.FLEET_EVENTS.name());
            capacity = blankToDefault(capacity, io.fleetevents.schemas.Topics.FLEET_CAPACITY.name());
            agents = blankToDefault(agents, io.fleetevents.schemas.Topics.FLEET_AGENTS.name());
            deadLetter = blankToDefault(deadLetter, snapshots + ".dlq");
            partitions = partitions == null ? io.fleetevents.schemas.Topics.DEFAULT_PARTITIONS : partitions;
            replicationFactor = replicationFactor == null ? -1 : replicationFactor;
            create = create == null || create;
            if (partitions < 1) {
                throw new IllegalArgumentException("fleet.processor.topics.partitions must be >= 1, was " + partitions);
            }
            if (replicationFactor == 0 || replicationFactor < -1) {
                throw new IllegalArgumentException(
                        "fleet.processor.topics.replication-factor must be >= 1 or -1 (broker default), was "
                                + replicationFactor);
            }
        }

        public static TopicsConfig defaults() {
            return new TopicsConfig(null, null, null, null, null, null, null, null);
        }
    }

    /**
     * Kafka Streams runtime settings.
     *
     * @param processingGuarantee    {@code exactly_once_v2} (default) or {@code at_least_once}
     * @param numThreads             stream threads (default 2: one thread's commit wait overlaps the other's work)
     * @param commitIntervalMs       commit interval; bounds the latency of read_committed consumers (default 100)
     * @param stateDir               state directory (default {@code <tmp>/fleet-events-processor})
     * @param storeType              {@code in-memory} (default; restored from the changelog at start) or
     *                               {@code rocksdb} (on disk; for fleets too large for memory)
     * @param processingErrorPolicy  what a record whose processing throws does: {@code continue} (default: log,
     *                               count {@code fleet.processor.processing.errors}, skip) or {@code fail} (stop)
     * @param internalReplicationFactor replication of changelog and repartition topics; -1 = broker default
     * @param overrides              raw Kafka Streams/client properties applied last (e.g.
     *                               {@code producer.compression.type}); for what the keys above do not cover
     */
    public record StreamsConfig(String processingGuarantee, Integer numThreads, Long commitIntervalMs, Path stateDir,
                                String storeType, String processingErrorPolicy, Integer internalReplicationFactor,
                                Duration closeTimeout, Map<String, String> overrides) {

        private static final Set<String> GUARANTEES = Set.of("exactly_once_v2", "at_least_once");

        public StreamsConfig {
            processingGuarantee = blankToDefault(processingGuarantee, "exactly_once_v2").toLowerCase(Locale.ROOT);
            numThreads = numThreads == null ? 2 : numThreads;
            commitIntervalMs = commitIntervalMs == null ? 100L : commitIntervalMs;
            stateDir = stateDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "fleet-events-processor")
                    : stateDir;
            storeType = blankToDefault(storeType, "in-memory").toLowerCase(Locale.ROOT);
            processingErrorPolicy = blankToDefault(processingErrorPolicy, "continue").toLowerCase(Locale.ROOT);
            internalReplicationFactor = internalReplicationFactor == null ? -1 : internalReplicationFactor;
            closeTimeout = closeTimeout == null ? Duration.ofSeconds(30) : closeTimeout;
            overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
            String p = "fleet.processor.streams.";
            if (!GUARANTEES.contains(processingGuarantee)) {
                throw new IllegalArgumentException(p + "processing-guarantee must be exactly_once_v2 or at_least_once, was '"
                        + processingGuarantee + "'");
            }
            if (numThreads < 1) {
                throw new IllegalArgumentException(p + "num-threads must be >= 1, was " + numThreads);
            }
            if (commitIntervalMs < 1) {
                throw new IllegalArgumentException(p + "commit-interval-ms must be >= 1, was " + commitIntervalMs);
            }
            if (!storeType.equals("in-memory") && !storeType.equals("rocksdb")) {
                throw new IllegalArgumentException(p + "store-type must be in-memory or rocksdb, was '" + storeType + "'");
            }
            if (!processingErrorPolicy.equals("continue") && !processingErrorPolicy.equals("fail")) {
                throw new IllegalArgumentException(p + "processing-error-policy must be continue or fail, was '"
                        + processingErrorPolicy + "'");
            }
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException(p + "close-timeout must not be negative, was " + closeTimeout);
            }
            if (internalReplicationFactor == 0 || internalReplicationFactor < -1) {
                throw new IllegalArgumentException(p + "internal-replication-factor must be >= 1 or -1, was "
                        + internalReplicationFactor);
            }
        }

        public static StreamsConfig defaults() {
            return new StreamsConfig(null, null, null, null, null, null, null, null, null);
        }

        public boolean exactlyOnce() {
            return processingGuarantee.equals("exactly_once_v2");
        }
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
