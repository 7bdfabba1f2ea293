/**
 * The broadcaster application: one Kafka consumer per instance reads every partition of {@code fleet.events}
 * and fans events out to STOMP-over-WebSocket, SSE and long-poll subscribers, each with its own filter, its own
 * exact replay and the scope of its token. See {@code docs/broadcaster.md}.
 */
package io.fleetevents.broadcaster;
