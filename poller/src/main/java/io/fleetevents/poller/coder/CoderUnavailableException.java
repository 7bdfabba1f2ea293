package io.fleetevents.poller.coder;

/** A transient failure: 5xx, an I/O error, a timeout. Retried with backoff within the cycle's deadline. */
public final class CoderUnavailableException extends CoderException {

    public CoderUnavailableException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }

    @Override
    public String reason() {
        return "unavailable";
    }
}
