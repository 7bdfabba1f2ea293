package io.fleetevents.processor.snapshot;

/** One value of {@code coder.agent-snapshots} as the processor needs it: an agent's facts or a cycle marker. */
public sealed interface ParsedSnapshot permits AgentObservation, MarkerObservation {

    /** Configured name of the polled Coder deployment. */
    String deployment();

    /** Poll cycle number. */
    long pollId();
}
