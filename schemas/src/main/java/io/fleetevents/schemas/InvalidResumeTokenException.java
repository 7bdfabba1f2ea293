package io.fleetevents.schemas;

/**
 * A resume token could not be decoded. This is the only exception {@link ResumeToken#decode} throws; its message
 * says what is wrong and what to send instead, and is safe to return to the client verbatim (it never echoes
 * more than a short prefix of the input).
 */
public final class InvalidResumeTokenException extends IllegalArgumentException {

    public InvalidResumeTokenException(String message) {
        super(message);
    }
}
