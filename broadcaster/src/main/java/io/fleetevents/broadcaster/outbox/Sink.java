package io.fleetevents.broadcaster.outbox;

/** Where a transport's bytes go: a WebSocket session, an HTTP response stream, … */
public interface Sink {

    /**
     * Writes {@code bytes[0, length)} as one unit (one WebSocket message, one flush); the outbox sends the next only
     * after {@code done} was told the outcome, which may happen before this method returns.
     */
    void send(byte[] bytes, int length, Completion done);

    /** Ends the connection: after its last frame ({@code clean}), or because it cannot be written to any more. */
    void close(boolean clean);

    /**
     * Whether the sink fails a write itself once it waited longer than the send timeout (its completion then gets a
     * timeout exception); otherwise the outbox's watchdog calls {@link #abortWrite()}.
     */
    default boolean timesOutItsWrites() {
        return false;
    }

    /** Ends the write in flight without waiting for it; its completion is then told it failed. */
    default void abortWrite() {
        close(false);
    }

    /** The outcome of one {@link #send}. */
    @FunctionalInterface
    interface Completion {
        /** @param failure null when the bytes were written */
        void completed(Throwable failure);
    }
}
