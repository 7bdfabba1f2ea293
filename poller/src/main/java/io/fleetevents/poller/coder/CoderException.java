package io.fleetevents.poller.coder;

/** A failed call to Coder. Subclasses say what the caller must do about it. Messages never contain the token. */
public abstract class CoderException extends RuntimeException {

    private final int status;

    protected CoderException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when none was received. */
    public int status() {
        return status;
    }

    /** A short label for metrics and health: {@code auth}, {@code rate_limited}, {@code unavailable}, {@code protocol}. */
    public abstract String reason();
}
