package io.fleetevents.processor.topology;

import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.FleetAgent;

/** What the processors forward; the topology splits it to one sink per kind. */
sealed interface Emit {

    record Event(EventNotification event) implements Emit {
    }

    record DeadLetter(byte[] key, byte[] value) implements Emit {
    }

    record Partial(CapacityPartial partial) implements Emit {
    }

    record Sample(CapacitySample sample) implements Emit {
    }

    /** The {@code fleet.agents} record of the forwarded key; a null agent is the tombstone. */
    record Agent(FleetAgent agent) implements Emit {
    }
}
