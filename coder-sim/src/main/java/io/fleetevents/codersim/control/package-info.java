/** The simulator's own HTTP control API under {@code /sim/}: the same operations as {@link io.fleetevents.codersim.CoderSim}'s methods. */
package io.fleetevents.codersim.control;
