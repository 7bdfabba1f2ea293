package io.fleetevents.broadcaster.agents;

import io.fleetevents.schemas.FleetAgent;

/**
 * One change of the in-memory fleet.
 *
 * @param key      the agent key
 * @param previous the state before; null when the agent is new
 * @param current  the state now; null when the agent is gone (tombstone)
 */
public record AgentChange(String key, FleetAgent previous, FleetAgent current) {
}
