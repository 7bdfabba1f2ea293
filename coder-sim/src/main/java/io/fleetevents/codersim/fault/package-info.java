/**
 * Injected faults: what a fault is ({@link io.fleetevents.codersim.fault.Fault}), what it answers
 * ({@link io.fleetevents.codersim.fault.FaultKind}), and the queue of active ones with the added latency
 * ({@link io.fleetevents.codersim.fault.FaultPlan}). A leaf package: the API, the control API and the simulator use it.
 */
package io.fleetevents.codersim.fault;
