/**
 * The simulated fleet: workspaces, builds, agents (sub-agents included), app statuses and tasks; its seeded
 * generation, its lively random activity, the scripted transitions, and its rendering in Coder's JSON shapes.
 * All state is guarded by the {@link io.fleetevents.codersim.fleet.Fleet}'s monitor.
 */
package io.fleetevents.codersim.fleet;
