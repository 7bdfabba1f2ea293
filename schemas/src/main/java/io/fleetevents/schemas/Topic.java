package io.fleetevents.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A typed Kafka topic: its name, the serdes of its keys and values, and the topic configuration it is created
 * with when missing. Every read and write goes through a {@code Topic}, so a serde can never drift from its topic.
 *
 * @param name          topic name
 * @param keySerde      key serde
 * @param valueSerde    value serde
 * @param configs       topic-level configs for creation (cleanup.policy, retention.ms, ...); never null
 * @param <K>           key type
 * @param <V>           value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

    public Topic {
        Validation.requireNonBlank(name, "topic name");
        Validation.requireNonNull(keySerde, "key serde");
        Validation.requireNonNull(valueSerde, "value serde");
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** The same topic under another name (topic names are configuration). */
    public Topic<K, V> withName(String newName) {
        return new Topic<>(newName, keySerde, valueSerde, configs);
    }

    /** The dead-letter topic of this topic: {@code <name>.dlq}, raw bytes, 7 days. */
    public Topic<byte[], byte[]> deadLetter() {
        return Topics.deadLetterOf(name);
    }
}
