/**
 * The poller app: reads every workspace of a Coder deployment each cycle and publishes one
 * {@link io.fleetevents.schemas.AgentSnapshot} per changed agent and a {@link io.fleetevents.schemas.CycleMarker} per
 * partition of {@code coder.agent-snapshots}. {@link io.fleetevents.poller.PollerApplication} is the Spring Boot entry
 * point; {@link io.fleetevents.poller.PollerProperties} its whole configuration.
 */
package io.fleetevents.poller;
