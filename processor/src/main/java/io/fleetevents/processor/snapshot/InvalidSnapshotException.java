package io.fleetevents.processor.snapshot;

/** A value of {@code coder.agent-snapshots} that breaks the contract; its message says why, for the DLQ header. */
public final class InvalidSnapshotException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidSnapshotException(String message) {
        super(message);
    }

    public InvalidSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
