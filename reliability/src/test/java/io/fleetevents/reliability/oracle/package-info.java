/**
 * What should have come out: a scripted fleet that drives coder-sim and derives, from each scripted transition,
 * the exact events (type per agent path) DESIGN.md's rules promise; the tally that compares them with what a
 * collector received (missing, duplicated by {@code event_id}, false); and the published table.
 */
package io.fleetevents.reliability.oracle;
