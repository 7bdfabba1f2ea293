/**
 * Live fan-out: the one Kafka consumer of an instance ({@link io.fleetevents.broadcaster.fanout.LiveFeed}), the
 * subscription index that picks the subscribers of each event without scanning them all, and
 * {@link io.fleetevents.broadcaster.fanout.Subscription}, whose per-partition positions make the hand-over from
 * replay to live exact (no gap, no duplicate).
 */
package io.fleetevents.broadcaster.fanout;
