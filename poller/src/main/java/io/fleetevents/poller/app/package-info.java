/**
 * The poller's skeleton, as in every app: the wiring (the one place where parts are created from
 * {@code PollerProperties}), the lifecycle, health and metrics.
 */
package io.fleetevents.poller.app;
