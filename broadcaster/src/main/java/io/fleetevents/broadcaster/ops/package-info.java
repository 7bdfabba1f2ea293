/** Operations: health of the broadcaster (Kafka reachable, consumer lag); meters are in BroadcasterMetrics. */
package io.fleetevents.broadcaster.ops;
