package io.fleetevents.poller.watch;

/** Observes the push paths (metrics). Sources: {@code watch}, {@code build-stream}, {@code webhook}. */
public interface PushListener {

    /** An event arrived on a stream ({@code ping}, {@code data}, {@code error}). */
    default void streamEvent(String source, String type) {
    }

    /** A stream ended or could not be opened; {@code status} 0 when Coder sent no other answer. */
    default void streamClosed(String source, int status) {
    }

    /** A watch could not be held: its workspace is polled only until it can. */
    default void fellBack(String source) {
    }

    /** A watch that had fallen back is held again. */
    default void recovered(String source) {
    }

    /** A pushed view was written ({@code snapshots} handed to Kafka, 0 when nothing had changed). */
    default void pushed(String source, int snapshots) {
    }

    /** A pushed frame or body was not what Coder sends: dropped, the poll covers it. */
    default void malformed(String source) {
    }

    /** An immediate read of a workspace was done ({@code ok}) or failed. */
    default void read(String source, boolean ok) {
    }

    /** An immediate read was not queued: too many pending. */
    default void readDropped(String source) {
    }
}
