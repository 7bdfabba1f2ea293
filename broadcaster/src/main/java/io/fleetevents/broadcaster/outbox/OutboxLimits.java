package io.fleetevents.broadcaster.outbox;

/**
 * The bounds of one connection's outbox.
 *
 * @param maxFrames         events queued before the client counts as slow and is dropped
 * @param maxBytes          bytes queued before the client counts as slow and is dropped
 * @param maxBatchBytes     frames queued together are written as one unit up to this many bytes
 * @param sendTimeoutMillis a write pending longer than this drops the client, and a closing connection is closed
 *                          outright after this long; 0 = neither is watched
 * @param roomFrames        a replay waits while more frames than this are queued
 * @param roomBytes         a replay waits while more bytes than this are queued
 */
public record OutboxLimits(int maxFrames, long maxBytes, int maxBatchBytes, long sendTimeoutMillis, int roomFrames,
                           long roomBytes) {

    public OutboxLimits {
        if (maxFrames < 1 || maxBytes < 1 || maxBatchBytes < 1 || sendTimeoutMillis < 0 || roomFrames < 0 || roomBytes < 0) {
            throw new IllegalArgumentException("outbox limits must be positive: " + maxFrames + ", " + maxBytes + ", "
                    + maxBatchBytes + ", " + sendTimeoutMillis + ", " + roomFrames + ", " + roomBytes);
        }
    }
}
