package io.fleetevents.broadcaster.http;

/** A protection limit refused the request; the message names the limit. */
final class LimitExceededException extends RuntimeException {

    LimitExceededException(String message) {
        super(message, null, false, false);
    }
}
