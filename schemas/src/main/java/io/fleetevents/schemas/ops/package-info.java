/**
 * What every app checks about the cluster and about its own progress before it reports healthy: whether topics of a
 * replication factor can be created and written ({@link io.fleetevents.schemas.ops.TopicPlacement}), and whether a
 * reader has stalled while its input grows ({@link io.fleetevents.schemas.ops.ProgressWatch}). Kafka clients only.
 */
package io.fleetevents.schemas.ops;
