/** The processor benchmark program (not a test): throughput against a plain consumer, and latency at a fixed rate. */
package io.fleetevents.processor.bench;
