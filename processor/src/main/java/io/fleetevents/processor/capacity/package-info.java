/**
 * Capacity: per-partition partial counts taken at each cycle marker, their combination into one fleet-wide
 * {@code CapacitySample} per scope and complete poll cycle, and the CAPACITY_WARNING policy (thresholds,
 * hysteresis, debounce, provisioner backlog). Pure logic; the topology feeds it.
 */
package io.fleetevents.processor.capacity;
