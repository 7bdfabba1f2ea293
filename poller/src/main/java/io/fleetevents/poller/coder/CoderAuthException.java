package io.fleetevents.poller.coder;

/** 401 or 403 on the workspace list: the token is missing, wrong, expired, or lacks site-wide workspace read. */
public final class CoderAuthException extends CoderException {

    public CoderAuthException(String message, int status) {
        super(message, status, null);
    }

    @Override
    public String reason() {
        return "auth";
    }
}
