/**
 * Spring wiring of the processor: configuration binding and validation, topic creation, the Kafka Streams
 * lifecycle (start, graceful stop), the Streams health indicator and the Micrometer metrics.
 */
package io.fleetevents.processor.app;
