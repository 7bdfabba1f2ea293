package io.fleetevents.poller.publish;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Kafka's default partitioning of a keyed record ({@code toPositive(murmur2(keyBytes)) % partitions}, the formula of
 * the built-in partitioner), for String keys serialised as UTF-8. The poller writes snapshots to the partition this
 * computes, explicitly, and builds each cycle marker's roster with the same function, so the two can never disagree
 * (and any other producer using the default partitioner lands on the same partitions).
 */
public final class Partitioning {

    private Partitioning() {
    }

    /** The partition of {@code key} among {@code partitions}. */
    public static int partition(String key, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
