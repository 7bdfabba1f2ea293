/**
 * HTTP transports with the same filters, tokens and semantics as STOMP: Server-Sent Events at
 * {@code GET /api/events/stream} ({@code id:} = resume token, {@code Last-Event-ID} resumes) and long-poll at
 * {@code GET /api/events?after=&limit=&wait=} returning {@code {events, next}}.
 */
package io.fleetevents.broadcaster.http;
