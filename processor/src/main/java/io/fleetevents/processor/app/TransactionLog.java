package io.fleetevents.processor.app;

import java.util.Optional;

/**
 * What the cluster says about Kafka's transaction log ({@code __transaction_state}), and whether exactly-once
 * processing can work on it. Transactions need that log: when a broker cannot create it (its replication factor
 * exceeds the brokers there are) or cannot write it (fewer in-sync replicas than its min.isr), every
 * {@code initTransactions} times out and Kafka Streams sits in REBALANCING for ever, logging only
 * "Timeout exception caught trying to initialize transactions".
 *
 * @param brokers          brokers in the cluster
 * @param replication      the brokers' {@code transaction.state.log.replication.factor}
 * @param minIsr           the brokers' {@code transaction.state.log.min.isr}
 * @param exists           whether {@code __transaction_state} exists
 * @param fewestInSync     the smallest in-sync replica count among its partitions (when it exists)
 */
record TransactionLog(int brokers, int replication, int minIsr, boolean exists, int fewestInSync) {

    static final String TOPIC = "__transaction_state";

    /** Why transactions cannot work on this cluster, as an operator would fix it; empty when they can. */
    Optional<String> problem() {
        String advice = " (or run with fleet.processor.streams.processing-guarantee=at_least_once)";
        if (!exists && replication > brokers) {
            return Optional.of("transactions cannot initialise: the brokers' transaction.state.log.replication.factor="
                    + replication + " is more than the " + brokers + " broker(s) in the cluster, so " + TOPIC
                    + " cannot be created; set transaction.state.log.replication.factor (and "
                    + "transaction.state.log.min.isr) to at most " + brokers + " on the brokers, or add brokers" + advice);
        }
        if (minIsr > replication) {
            return Optional.of("transactions cannot complete: the brokers' transaction.state.log.min.isr=" + minIsr
                    + " is more than transaction.state.log.replication.factor=" + replication
                    + "; lower transaction.state.log.min.isr on the brokers" + advice);
        }
        if (exists && fewestInSync < minIsr) {
            return Optional.of("transactions cannot complete: a partition of " + TOPIC + " has " + fewestInSync
                    + " in-sync replica(s), fewer than the brokers' transaction.state.log.min.isr=" + minIsr
                    + "; bring the missing brokers back (the cluster has " + brokers + ")" + advice);
        }
        return Optional.empty();
    }

    /** The settings to check, for a message about a symptom whose cause is not proven. */
    String settings() {
        return "transaction.state.log.replication.factor=" + replication + ", transaction.state.log.min.isr=" + minIsr
                + ", " + brokers + " broker(s)";
    }
}
