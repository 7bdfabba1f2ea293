/** The embedded single-node Apache Kafka (KRaft) broker of the standalone stack, from Kafka's own server jars. */
package io.fleetevents.standalone.kafka;
