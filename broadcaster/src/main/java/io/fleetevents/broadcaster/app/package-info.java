/**
 * The broadcaster's skeleton, as in every app: the wiring (the one place where parts are created, started and
 * stopped) and health (Kafka reachable, the live feed advancing). The meters are {@code BroadcasterMetrics} at the
 * root, beside {@code BroadcasterProperties}, because every feature package counts into them.
 */
package io.fleetevents.broadcaster.app;
