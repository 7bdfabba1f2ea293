package io.fleetevents.processor.topology;

import io.fleetevents.processor.ProcessorConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of a configuration: the one place raw client properties are assembled. */
public final class StreamsSettings {

    /** The largest record the topology writes to its internal topics (a capacity partial of a large partition). */
    static final int INTERNAL_RECORD_LIMIT = 8 * 1024 * 1024;

    private StreamsSettings() {
    }

    public static Properties of(ProcessorConfig config, TopologyListener listener) {
        ProcessorConfig.StreamsConfig s = config.streams();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        if (config.bootstrapServers() != null) {
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        }
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                s.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.numThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitIntervalMs());
        props.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        // No record cache: alerts go out at the next commit, not at the next cache flush.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, s.internalReplicationFactor());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingErrorPolicy.class);
        props.put(ProcessingErrorPolicy.POLICY_CONFIG, s.processingErrorPolicy());
        props.put(ProcessingErrorPolicy.LISTENER_CONFIG, listener);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Outputs are small (events ~1 KB, state ~200 B) and profiling showed per-batch lz4 set-up costing ~7% of
        // the stream thread: no compression on the processor's writes (topics keep compression.type=producer).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        // With transactions v2 (Kafka 4 brokers) every commit bumps the producer epoch and restarts sequences at 0;
        // pipelined first batches then arrive out of order and are rejected (retriable OutOfOrderSequence, see
        // KAFKA-18202), costing a retry back-off per partition per commit. One request in flight avoids it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // Streams' producer default linger.ms=100 equals the EOS commit interval, so a commit's whole output would be
        // sent by the flush() at commit time and the stream thread would wait for all of it (the largest wait in a JFR
        // profile). With 5 ms the output trickles to the broker while records are processed and the commit's flush
        // waits only for the tail: less CPU per record, equal or better throughput and latency in same-run A/Bs.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // A capacity partial lists every workspace of its partition (~26 bytes each): Kafka's default 1 MB record
        // would cap a partition at ~40,000 workspaces. 8 MB for the internal topics (repartition and changelogs,
        // which Streams creates with these configs) and the producer that writes them.
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), INTERNAL_RECORD_LIMIT);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), INTERNAL_RECORD_LIMIT);
        props.putAll(s.overrides());
        return props;
    }
}
