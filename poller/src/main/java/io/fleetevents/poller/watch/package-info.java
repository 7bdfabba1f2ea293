/**
 * Push where Coder offers it: per-workspace watches, the fleet-wide build stream and the reads they (and notification
 * webhooks) trigger. Each view they bring is written through the poll cycle's own splitter, change detector and sink
 * ({@link io.fleetevents.poller.cycle.PollCycle#writePushed}), ordered with the polls by
 * {@link io.fleetevents.poller.cycle.SnapshotOrder}. The poll cycle stays the source of truth for who is present;
 * a push that cannot be held only makes detection slower, never wrong.
 */
package io.fleetevents.poller.watch;
