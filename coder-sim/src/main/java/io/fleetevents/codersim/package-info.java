/**
 * coder-sim: a simulated Coder deployment. {@link io.fleetevents.codersim.CoderSim} starts one (embedded, port 0
 * allowed) and is also its scripting handle; {@link io.fleetevents.codersim.CoderSimMain} runs it alone. It serves
 * Coder's REST shapes ({@code /api/v2/workspaces}, {@code /api/v2/tasks}, ...) for a seeded, deterministic fleet and a
 * control API under {@code /sim/} to script exact transitions and faults.
 */
package io.fleetevents.codersim;
