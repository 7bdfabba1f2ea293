/**
 * What came out: collectors that record every event a subscriber received — STOMP over WebSocket (resuming with
 * its last resume token after any drop), SSE ({@code Last-Event-ID}), long-poll ({@code after=next}) — and what
 * {@code fleet.events} holds for a {@code read_committed} consumer.
 */
package io.fleetevents.reliability.collect;
