/**
 * Writing to {@code coder.agent-snapshots}: {@link io.fleetevents.poller.publish.SnapshotSink} is the port, {@link
 * io.fleetevents.poller.publish.KafkaSnapshotSink} the idempotent, {@code acks=all}, zstd producer behind it, and
 * {@link io.fleetevents.poller.publish.Partitioning} Kafka's default key partitioning, used so that snapshots and the
 * roster of each cycle marker agree on partitions.
 */
package io.fleetevents.poller.publish;
