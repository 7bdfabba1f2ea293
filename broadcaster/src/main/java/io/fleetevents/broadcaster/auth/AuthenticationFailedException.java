package io.fleetevents.broadcaster.auth;

/** The client sent no token, or one that is not configured. The message is safe to show to the client. */
public final class AuthenticationFailedException extends RuntimeException {

    public AuthenticationFailedException(String message) {
        super(message, null, false, false);
    }
}
