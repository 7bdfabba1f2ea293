package io.fleetevents.poller.publish;

import io.fleetevents.schemas.SnapshotRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The port to {@code coder.agent-snapshots}. */
public interface SnapshotSink extends AutoCloseable {

    /**
     * The topic's current partition count, creating the topic first when configured to and it is missing.
     *
     * @throws PublishException when the broker cannot tell within {@code timeout}
     */
    int partitions(Duration timeout);

    /**
     * Sends one record to an explicit partition.
     *
     * @return completes when the broker acknowledged it (acks=all), exceptionally when it could not be written
     */
    CompletableFuture<Void> send(int partition, String key, SnapshotRecord value);

    /** Serialised (uncompressed) bytes handed to the producer so far. */
    long bytesSent();

    /** Bytes the producer put on the wire so far (compressed batches plus protocol overhead); -1 if unknown. */
    long wireBytesSent();

    @Override
    void close();

    /** A failure to write to Kafka. */
    final class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
