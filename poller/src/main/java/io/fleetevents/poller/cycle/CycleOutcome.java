package io.fleetevents.poller.cycle;

import java.time.Duration;

/**
 * What one poll cycle did.
 *
 * @param pollId      the cycle's poll id
 * @param complete    every page fetched, every snapshot and marker acknowledged
 * @param elapsed     wall time of the cycle
 * @param workspaces  distinct workspaces read (so far, for a failed cycle)
 * @param agents      observations (agents plus agent-less workspaces) read
 * @param snapshots   snapshots acknowledged
 * @param skipped     observations not written because unchanged
 * @param rejected    snapshots Kafka refused as too large (logged; their agents stay in the roster; retried next cycle)
 * @param markers     markers acknowledged (the partition count for a complete cycle, else 0)
 * @param bytes       serialised bytes handed to the producer during the cycle
 * @param reason      failure label ({@code auth}, {@code rate_limited}, {@code unavailable}, {@code protocol},
 *                    {@code publish}), null when complete
 * @param error       failure message for people (never contains the token), null when complete
 * @param retryAfter  how long Coder asked to wait (429), else {@link Duration#ZERO}
 */
public record CycleOutcome(long pollId, boolean complete, Duration elapsed, int workspaces, int agents, int snapshots,
                           int skipped, int rejected, int markers, long bytes, String reason, String error, Duration retryAfter) {
}
