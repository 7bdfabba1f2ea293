/**
 * STOMP 1.2 over WebSocket at {@code /api/events/subscribe}, handled directly on Spring's WebSocket API with
 * Spring's STOMP decoder: no message broker in between. Each connection owns a bounded send queue drained by
 * non-blocking socket writes; a client that lets it overflow is dropped with an ERROR frame carrying its resume
 * tokens, and never slows anyone else.
 */
package io.fleetevents.broadcaster.stomp;
