/**
 * Replay: a per-subscription reader with its own Kafka consumer, started from a resume token, a time or the start
 * of retention, that hands its subscription over to the live stream once it has caught up.
 */
package io.fleetevents.broadcaster.replay;
