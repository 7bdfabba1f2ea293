/**
 * The outbound half of every transport: {@link io.fleetevents.broadcaster.outbox.Outbox} owns a connection's bounded
 * queue (frames and bytes), replay pacing, batching, the single-writer pump, the write watchdog, the slow-consumer
 * drop with its resume tokens, credential expiry and close. A transport adds a {@link io.fleetevents.broadcaster.outbox.Codec}
 * (how an event becomes its bytes) and a {@link io.fleetevents.broadcaster.outbox.Sink} (where the bytes go); no
 * transport's frame text lives here.
 */
package io.fleetevents.broadcaster.outbox;
