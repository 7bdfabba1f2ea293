/**
 * The per-agent diff: a pure function from the previous agent state and a new observation to the events of the
 * DESIGN table ("Deriving events") and the next state, and the projection of a state to its {@code fleet.agents}
 * record ({@link io.fleetevents.processor.diff.CurrentAgent}). No Kafka in here; the topology only adapts it.
 */
package io.fleetevents.processor.diff;
