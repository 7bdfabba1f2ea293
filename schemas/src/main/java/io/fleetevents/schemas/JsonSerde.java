package io.fleetevents.schemas;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * A Kafka serde for one value type of the contract, through {@link FleetJson}. A {@code null} payload is a
 * tombstone and maps to {@code null} both ways. Bytes that are not a valid value of the type raise a
 * {@link SerializationException} naming the type and the reason, which Kafka Streams' deserialization handler
 * and the apps' DLQ routing act upon.
 *
 * @param <T> the value type
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this.type = type;
        this.reader = FleetJson.mapper().readerFor(type);
        this.writer = FleetJson.mapper().writerFor(type);
    }

    /** The value type. */
    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (JacksonException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " to topic " + topic + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return reader.readValue(data);
        } catch (JacksonException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + " on topic " + topic + ": "
                    + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("not a valid " + type.getSimpleName() + " on topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the JSON shape is fixed by the contract
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
