package io.fleetevents.schemas;

/**
 * A subscription filter could not be understood. The message names the offending field and value and what
 * would be accepted, so it can be sent to the client verbatim (STOMP {@code ERROR} frame, HTTP 400).
 */
public final class InvalidFilterException extends IllegalArgumentException {

    public InvalidFilterException(String message) {
        super(message);
    }

    public InvalidFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
