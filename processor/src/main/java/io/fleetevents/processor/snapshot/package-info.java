/**
 * Reading {@code coder.agent-snapshots} values: a lean streaming extraction of exactly the Coder fields the diff
 * and the capacity counts look at, with the validation of the {@code schemas} contract. Whatever fails it is
 * poison and goes to the dead-letter topic.
 */
package io.fleetevents.processor.snapshot;
