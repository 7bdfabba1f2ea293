package io.fleetevents.poller.coder;

/**
 * An answer the poller cannot use: a malformed or truncated body, a missing required field, an unexpected 4xx, or a
 * paged listing that could not be completed. Fails the cycle without retrying it hot.
 */
public final class CoderProtocolException extends CoderException {

    public CoderProtocolException(String message, int status, Throwable cause) {
        super(message, status, cause);
    }

    @Override
    public String reason() {
        return "protocol";
    }
}
