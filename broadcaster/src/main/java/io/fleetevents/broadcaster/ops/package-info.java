/** Operations: metrics of the broadcaster and its health (Kafka reachable, consumer lag). */
package io.fleetevents.broadcaster.ops;
