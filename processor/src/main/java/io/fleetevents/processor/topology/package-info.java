/**
 * The Kafka Streams adaptation of the pure logic: {@link io.fleetevents.processor.topology.ProcessorTopology}
 * builds the whole topology from the configuration (no Spring, no I/O), the processors only read and write their
 * named stores and forward, and {@link io.fleetevents.processor.topology.StreamsSettings} holds the Streams
 * properties including the error policies.
 */
package io.fleetevents.processor.topology;
