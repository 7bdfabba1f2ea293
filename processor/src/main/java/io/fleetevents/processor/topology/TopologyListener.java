package io.fleetevents.processor.topology;

import io.fleetevents.schemas.EventType;

/**
 * The topology's narrow port for metrics. Called on the stream thread; implementations must be cheap and
 * thread-safe. Under exactly-once an aborted transaction is re-processed, so counts may exceed committed output.
 */
public interface TopologyListener {

    /** Does nothing. */
    TopologyListener NONE = new TopologyListener() {
    };

    /** An event was forwarded to {@code fleet.events}. */
    default void eventEmitted(EventType type) {
    }

    /** A {@code fleet.agents} record was forwarded; {@code tombstone} when it says the agent is gone. */
    default void agentWritten(boolean tombstone) {
    }

    /** A snapshot was dead-lettered; {@code reason} is one line. */
    default void deadLettered(String reason) {
    }

    /** A snapshot older than the stored state was ignored. */
    default void staleSnapshot() {
    }

    /** A cycle marker no newer than the last one of its partition was ignored. */
    default void lateMarker() {
    }

    /** A fleet-wide cycle completed and its capacity samples were written. */
    default void cycleCompleted(int scopes) {
    }

    /** The processing of a record threw; {@code node} is the processor that threw. */
    default void processingError(String node) {
    }
}
