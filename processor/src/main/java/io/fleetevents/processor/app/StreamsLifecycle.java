package io.fleetevents.processor.app;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.topology.ProcessorTopology;
import io.fleetevents.processor.topology.StreamsSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;

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
        streamsMetrics = new KafkaStreamsMetrics(created);
        streamsMetrics.bindTo(metrics.registry());
        LOG.info("Starting processor {} on {} (guarantee {}, store {})", config.applicationId(),
                config.bootstrapServers(), config.streams().processingGuarantee(), config.streams().storeType());
        created.start();
        streams = created;
    }

    @Override
    public synchronized void stop() {
        KafkaStreams current = streams;
        if (current == null) {
            return;
        }
        current.close(Duration.ofSeconds(30));
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

    /** The configuration in effect (bootstrap servers resolved). */
    public ProcessorConfig config() {
        return config;
    }
}
