package io.fleetevents.schemas;

import java.time.Instant;
import java.util.Map;

/**
 * One typed fleet event: the value of every record on {@code fleet.events}, and the body of every
 * STOMP {@code MESSAGE}, SSE event and long-poll entry.
 *
 * <p>The first seven fields are the seed model and are required (except {@code task_id}); the rest are what
 * consumers need to trust an event and are optional on read so that seed-shaped producers stay valid. Producers
 * in this project always fill them.
 *
 * @param eventId       deterministic id (see {@link EventIds}): the same input yields the same id, so consumers
 *                      de-duplicate on it. Optional on read
 * @param eventType     what happened; required
 * @param severity      how urgent; required
 * @param timestamp     when it happened in Coder where Coder says so (e.g. {@code disconnected_at}, an app status'
 *                      {@code created_at}), else when it was observed; required, UTC
 * @param agentId       the Coder agent UUID of the current build, so a superagent can call Coder with it; null for
 *                      events about no specific agent (capacity, a workspace whose build failed before any agent)
 * @param taskId        the Coder task id when the event concerns a task; null otherwise
 * @param message       one human sentence; required
 * @param metadata      event-specific details (e.g. {@code last_seen}, {@code error}, {@code reason},
 *                      {@code scope}, {@code utilisation}, {@code resolved}); never null after construction
 * @param agent         the agent's identities; optional on read
 * @param before        the changed fields before the change; optional
 * @param after         the changed fields after the change; optional
 * @param observedAt    when the poller observed the change; optional on read, UTC
 * @param schemaVersion version of this shape, currently {@value #CURRENT_SCHEMA_VERSION}; optional on read
 */
public record EventNotification(
        String eventId,
        EventType eventType,
        EventSeverity severity,
        Instant timestamp,
        String agentId,
        String taskId,
        String message,
        Map<String, Object> metadata,
        AgentRef agent,
        Map<String, Object> before,
        Map<String, Object> after,
        Instant observedAt,
        Integer schemaVersion) {

    /** The version producers of this release write. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public EventNotification {
        Validation.requireNonNull(eventType, "event_type");
        Validation.requireNonNull(severity, "severity");
        Validation.requireNonNull(timestamp, "timestamp");
        Validation.requireNonBlank(message, "message");
        if (eventId != null) {
            Validation.requireNonBlank(eventId, "event_id");
        }
        if (schemaVersion != null && schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, was " + schemaVersion);
        }
        metadata = metadata == null ? Map.of() : Validation.immutableCopy(metadata);
        before = Validation.immutableCopy(before);
        after = Validation.immutableCopy(after);
    }

    /** The agent key this event is keyed by on {@code fleet.events}, or null when the event names no agent. */
    public String agentKey() {
        return agent == null ? null : agent.key();
    }
}
