/**
 * The Coder REST client: {@link io.fleetevents.poller.coder.CoderClient} is the port, {@link
 * io.fleetevents.poller.coder.HttpCoderClient} its one implementation (java.net.http, gzip, timeouts, streaming
 * parse, retries with backoff and jitter inside the cycle's deadline). Failures are typed by what the caller must do:
 * {@link io.fleetevents.poller.coder.CoderAuthException} (stop and shout), {@link
 * io.fleetevents.poller.coder.CoderRateLimitedException} (slow down), {@link
 * io.fleetevents.poller.coder.CoderUnavailableException} (retried, then the cycle fails), {@link
 * io.fleetevents.poller.coder.CoderProtocolException} (a malformed answer: the cycle fails, no retry).
 */
package io.fleetevents.poller.coder;
