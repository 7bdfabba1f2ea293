package io.fleetevents.schemas.ops;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Whether the cluster can hold topics with a given replication factor and still accept {@code acks=all} writes.
 * Asked before creating topics, so that an impossible setting stops the app at start with the key to change, rather
 * than leaving a topic that cannot be created or written.
 *
 * @param brokers                   brokers in the cluster
 * @param defaultReplicationFactor  the brokers' {@code default.replication.factor} (used for a replication of -1)
 * @param minInsyncReplicas         the brokers' {@code min.insync.replicas} (the topics set none of their own)
 */
public record TopicPlacement(int brokers, int defaultReplicationFactor, int minInsyncReplicas) {

    /** Reads the facts from the cluster (the first broker's settings: a cluster's brokers share them in practice). */
    public static TopicPlacement of(Admin admin, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        long millis = timeout.toMillis();
        Collection<Node> nodes = admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the Kafka cluster reports no brokers");
        }
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER,
                Integer.toString(nodes.iterator().next().id()));
        Config config = admin.describeConfigs(List.of(broker)).all().get(millis, TimeUnit.MILLISECONDS).get(broker);
        return new TopicPlacement(nodes.size(), intValue(config.get("default.replication.factor"), 1),
                intValue(config.get("min.insync.replicas"), 1));
    }

    /**
     * Why topics of {@code replication} (-1: the broker default) cannot be created or written, naming {@code key}
     * and the broker count; empty when they can.
     */
    public Optional<String> problem(int replication, String key) {
        int effective = replication < 0 ? defaultReplicationFactor : replication;
        String setting = replication < 0
                ? "the brokers' default.replication.factor=" + effective + " (used because " + key + "=-1)"
                : key + "=" + replication;
        if (effective > brokers) {
            return Optional.of(setting + " is more than the " + brokers + " broker(s) in the cluster: set " + key
                    + " to at most " + brokers + ", or add brokers");
        }
        if (minInsyncReplicas > effective) {
            return Optional.of("the brokers' min.insync.replicas=" + minInsyncReplicas + " is more than the replication "
                    + "factor " + effective + " (" + setting + "), so no acks=all write could ever succeed: set " + key
                    + " to at least " + minInsyncReplicas + " (the cluster has " + brokers + " broker(s)), or lower "
                    + "min.insync.replicas");
        }
        return Optional.empty();
    }

    private static int intValue(ConfigEntry entry, int fallback) {
        if (entry == null || entry.value() == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(entry.value().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
