package io.fleetevents.standalone.kafka;

/** A configured port is already taken; the message names the port, what it was for and what to do. */
public final class PortInUseException extends IllegalStateException {

    public PortInUseException(String message) {
        super(message);
    }
}
