package io.fleetevents.processor.internal;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Base of the processor's hand-written binary serdes: a value is a format byte followed by fields in a fixed order.
 * A subclass writes the newest format and reads every format a released version wrote, so a changelog or
 * repartition topic written before an upgrade still restores. Null is Kafka's tombstone in both directions.
 *
 * @param <T> the stored type
 */
public abstract class BinarySerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final String what;

    /** @param what names the stored type in error messages, e.g. {@code "agent state"} */
    protected BinarySerde(String what) {
        this.what = what;
    }

    /** The bytes of {@code value}, format byte first; never called with null. */
    protected abstract byte[] write(T value);

    /**
     * Reads the fields of a value whose format byte was {@code format}; throws {@link #unknownFormat} for a format
     * it does not know. Running out of bytes is reported as a corrupt value by the caller.
     */
    protected abstract T read(int format, BinaryReader in);

    /** The error for a format byte this reader does not know (written by a newer release, or not ours). */
    protected final SerializationException unknownFormat(int format) {
        return new SerializationException("unknown " + what + " format " + format);
    }

    @Override
    public final byte[] serialize(String topic, T value) {
        return value == null ? null : write(value);
    }

    @Override
    public final T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            BinaryReader in = new BinaryReader(data);
            return read(in.readByte(), in);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw new SerializationException("corrupt " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // fixed format: nothing to configure
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
