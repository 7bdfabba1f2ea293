package io.fleetevents.processor.diff;

import io.fleetevents.schemas.EventNotification;
import java.util.List;

/**
 * What a cycle marker means for one stored key.
 *
 * @param events   events to emit, in order
 * @param next     the state to keep; null when the key is gone and its state is deleted
 * @param changed  whether {@code next} differs from the stored state (a write is needed)
 */
public record MarkerResult(List<EventNotification> events, AgentState next, boolean changed) {

    public MarkerResult {
        events = List.copyOf(events);
    }

    static MarkerResult unchanged(AgentState state) {
        return new MarkerResult(List.of(), state, false);
    }

    static MarkerResult keep(List<EventNotification> events, AgentState next) {
        return new MarkerResult(events, next, true);
    }

    static MarkerResult gone(List<EventNotification> events) {
        return new MarkerResult(events, null, true);
    }

    /** Whether the key left the fleet (its state is deleted). */
    public boolean gone() {
        return next == null;
    }
}
