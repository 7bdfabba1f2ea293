/**
 * The per-agent diff: a pure function from the previous agent state and a new observation to the events of the
 * DESIGN table ("Deriving events") and the next state. No Kafka in here; the topology only adapts it.
 */
package io.fleetevents.processor.diff;
