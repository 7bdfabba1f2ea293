package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A value on {@code coder.agent-snapshots}: either one agent's {@link AgentSnapshot} or a {@link CycleMarker}
 * closing a poll cycle for one partition. The JSON discriminator is the {@code kind} field
 * ({@value AgentSnapshot#KIND} or {@value CycleMarker#KIND}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AgentSnapshot.class, name = AgentSnapshot.KIND),
        @JsonSubTypes.Type(value = CycleMarker.class, name = CycleMarker.KIND)
})
public sealed interface SnapshotRecord permits AgentSnapshot, CycleMarker {

    /** Version of the snapshot shapes producers of this release write. */
    int CURRENT_SCHEMA_VERSION = 1;

    /** Version of this record's shape. */
    int schemaVersion();

    /** Which Coder deployment was polled (configured name). */
    String deployment();

    /** Poll cycle number, monotonic per deployment (and per poller run: a restarted poller starts above the last). */
    long pollId();

    /** When the poller observed this state (snapshot) or completed the cycle (marker), UTC. */
    Instant observedAt();
}
