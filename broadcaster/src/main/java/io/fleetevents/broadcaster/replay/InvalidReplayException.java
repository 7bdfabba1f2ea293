package io.fleetevents.broadcaster.replay;

/** A replay request the client must fix; the message says how. */
public final class InvalidReplayException extends IllegalArgumentException {

    public InvalidReplayException(String message) {
        super(message);
    }
}
