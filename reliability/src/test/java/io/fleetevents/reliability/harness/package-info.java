/**
 * Runs the system under test as separate OS processes: the Kafka broker (standalone's {@code kafka} command),
 * coder-sim, poller, processor and broadcaster from their executable jars, each on its own ports with its own data
 * directory and log file, so a scenario can SIGKILL, stop and restart any of them; plus a TCP proxy that can cut a
 * subscriber's network.
 */
package io.fleetevents.reliability.harness;
