package io.fleetevents.processor.capacity;

import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import java.util.List;

/**
 * What a complete cycle produces.
 *
 * @param samples  one sample per scope (including a zero sample for a scope that emptied since the last cycle)
 * @param events   CAPACITY_WARNING events, raised or resolved
 * @param next     the alert state to store
 */
public record CycleOutcome(List<CapacitySample> samples, List<EventNotification> events, AlertState next) {

    public CycleOutcome {
        samples = List.copyOf(samples);
        events = List.copyOf(events);
    }
}
