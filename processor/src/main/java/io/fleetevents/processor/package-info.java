/**
 * The processor app: Kafka Streams turns {@code coder.agent-snapshots} into typed {@code fleet.events} and
 * {@code fleet.capacity} samples. API: {@link io.fleetevents.processor.ProcessorApplication} and
 * {@link io.fleetevents.processor.ProcessorConfig}; the topology is
 * {@link io.fleetevents.processor.topology.ProcessorTopology}.
 */
package io.fleetevents.processor;
