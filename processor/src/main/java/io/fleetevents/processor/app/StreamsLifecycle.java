package io.fleetevents.processor.app;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.topology.ProcessorTopology;
import io.fleetevents.processor.topology.StreamsSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The one place the processor's lifecycle lives: create missing topics, build and start Kafka Streams, bind its
 * metrics; on stop, close it gracefully (commit, flush, leave the group). An uncaught stream-thread exception
 * shuts the client down (the health indicator then reports DOWN) rather than silently replacing the thread.
 */
public final class StreamsLifecycle implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);

    private final ProcessorConfig config;
    private final ProcessorMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private volatile Instant stateSince;
    private volatile Instant lastRestoreProgress;

    StreamsLifecycle(ProcessorConfig config, ProcessorMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        if (config.topics().create()) {
            TopicCreator.createMissing(config);
        }
        KafkaStreams created = new KafkaStreams(ProcessorTopology.build(config, metrics),
                StreamsSettings.of(config, metrics));
        created.setUncaughtExceptionHandler(e -> {
            LOG.error("Kafka Streams thread died; shutting the processor's Streams client down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        // The health monitor needs how long Streams has been in its state, and whether a long REBALANCING is
        // restoring state (progress) or stuck; both only these listeners can tell.
        created.setStateListener((now, before) -> stateSince = clock.instant());
        created.setGlobalStateRestoreListener(new RestoreProgress());
        streamsMetrics = new KafkaStreamsMetrics(created);
        streamsMetrics.bindTo(metrics.registry());
        LOG.info("Starting processor {} on {} (guarantee {}, store {})", config.applicationId(),
                config.bootstrapServers(), config.streams().processingGuarantee(), config.streams().storeType());
        stateSince = clock.instant();
        created.start();
        streams = created;
    }

    @Override
    public synchronized void stop() {
        KafkaStreams current = streams;
        if (current == null) {
            return;
        }
        current.close(config.streams().closeTimeout());
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        streams = null;
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** The Streams client state, or null before start and after stop. */
    public KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? null : current.state();
    }

    /** When Streams entered its current state, or null before start. */
    Instant stateSince() {
        return stateSince;
    }

    /** When Streams last restored a batch of state, or null if it has not restored any. */
    Instant lastRestoreProgress() {
        return lastRestoreProgress;
    }

    /** The running client, or null; for the health checks and the tests of this package. */
    KafkaStreams streams() {
        return streams;
    }

    /** The configuration in effect (bootstrap servers resolved). */
    public ProcessorConfig config() {
        return config;
    }

    private final class RestoreProgress implements StateRestoreListener {
        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
            lastRestoreProgress = clock.instant();
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
            lastRestoreProgress = clock.instant();
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            lastRestoreProgress = clock.instant();
        }
    }
}
