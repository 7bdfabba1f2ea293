/**
 * The simulated fleet. {@link io.fleetevents.codersim.fleet.Fleet} is the model (workspaces, builds, agents with
 * sub-agents, app statuses, Tasks) and its primitive changes; {@link io.fleetevents.codersim.fleet.RandomActivity}
 * generates the seeded fleet and its lively random story; {@link io.fleetevents.codersim.fleet.ScriptedTransitions}
 * makes exact changes on request; {@link io.fleetevents.codersim.fleet.FleetJson} writes it as Coder's responses,
 * with the shapes in {@code CoderJson}. All state is guarded by the {@code Fleet}'s monitor. No HTTP here.
 */
package io.fleetevents.codersim.fleet;
