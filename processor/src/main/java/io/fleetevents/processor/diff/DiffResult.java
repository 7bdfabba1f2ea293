package io.fleetevents.processor.diff;

import io.fleetevents.schemas.EventNotification;
import java.util.List;

/**
 * The outcome of one diff.
 *
 * @param events  events to emit, in order; often empty
 * @param next    the state to store
 * @param stale   true when the snapshot was older than the state and was ignored ({@code next} is the previous
 *                state unchanged, nothing needs writing)
 */
public record DiffResult(List<EventNotification> events, AgentState next, boolean stale) {

    public DiffResult {
        events = List.copyOf(events);
    }

    static DiffResult ignored(AgentState previous) {
        return new DiffResult(List.of(), previous, true);
    }
}
