package io.fleetevents.processor.topology;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The written policy for an exception thrown while processing one record (a bug, or data the diff did not
 * foresee; contract violations never get here, they are dead-lettered): log the source topic, partition, offset
 * and processor, count it through {@link TopologyListener#processingError}, then either skip the record and go on
 * ({@code continue}, the default: one bad record must not stop alerts for the whole fleet) or stop the app
 * ({@code fail}). Kafka Streams also counts skipped records in its {@code dropped-records} task metric.
 */
public final class ProcessingErrorPolicy implements ProcessingExceptionHandler {

    /** Streams config key holding {@code continue} or {@code fail}. */
    public static final String POLICY_CONFIG = "fleet.processor.processing-error-policy";
    /** Streams config key holding the {@link TopologyListener} instance to report to. */
    public static final String LISTENER_CONFIG = "fleet.processor.processing-error-listener";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingErrorPolicy.class);

    private boolean failFast;
    private TopologyListener listener = TopologyListener.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        failFast = "fail".equals(String.valueOf(configs.get(POLICY_CONFIG)));
        Object configured = configs.get(LISTENER_CONFIG);
        if (configured instanceof TopologyListener l) {
            listener = l;
        }
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.error("Processing failed at {} for record {}-{}@{} ({}): {}", context.processorNodeId(), context.topic(),
                context.partition(), context.offset(), failFast ? "stopping" : "skipped", exception.toString(),
                exception);
        listener.processingError(context.processorNodeId());
        return failFast ? ProcessingHandlerResponse.FAIL : ProcessingHandlerResponse.CONTINUE;
    }
}
