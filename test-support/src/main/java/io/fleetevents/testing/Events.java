package io.fleetevents.testing;

import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.EventIds;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builders of {@link EventNotification}s for tests that need events without running the processor (broadcaster,
 * clients). Identities follow {@link Snapshots}, so {@code Events.of(AGENT_FAILURE, "alice/ws.main")} is about the
 * same agent as {@code Snapshots.agent("alice/ws.main")}.
 */
public final class Events {

    private Events() {
    }

    /** An event of {@code type} about the agent at {@code agentPath} ({@code owner/workspace.agent}). */
    public static Builder of(EventType type, String agentPath) {
        return new Builder(type, Snapshots.agent(agentPath));
    }

    /** Mutable builder of one event. */
    public static final class Builder {
        private final EventType type;
        private final Snapshots.Builder agent;
        private EventSeverity severity;
        private Instant timestamp = Snapshots.T0;
        private String message;
        private String discriminator = "0";
        private String organization = "coder";
        private String template = "claude-code";
        private final Map<String, Object> metadata = new LinkedHashMap<>();

        private Builder(EventType type, Snapshots.Builder agent) {
            this.type = type;
            this.agent = agent;
            this.severity = switch (type) {
                case AGENT_FAILURE -> EventSeverity.CRITICAL;
                case TASK_FAILURE, CAPACITY_WARNING -> EventSeverity.WARNING;
                default -> EventSeverity.INFO;
            };
            this.message = type.name().toLowerCase().replace('_', ' ');
        }

        public Builder severity(EventSeverity value) { this.severity = value; return this; }
        public Builder timestamp(Instant value) { this.timestamp = value; return this; }
        public Builder message(String value) { this.message = value; return this; }
        public Builder organization(String value) { this.organization = value; return this; }
        public Builder template(String value) { this.template = value; return this; }
        public Builder metadata(String key, Object value) { this.metadata.put(key, value); return this; }
        /** What makes this occurrence distinct, so several events of one type and agent get distinct ids. */
        public Builder sequence(long value) { this.discriminator = Long.toString(value); return this; }

        public EventNotification build() {
            String key = agent.key();
            String path = agent.path();
            String owner = path.substring(0, path.indexOf('/'));
            AgentRef ref = new AgentRef(key, path, AgentKeys.workspaceId(key), owner, organization, template);
            return new EventNotification(EventIds.of(Snapshots.DEPLOYMENT, type, key, discriminator), type, severity,
                    timestamp, agent.agentId(), null, message, metadata, ref, null, null, timestamp.plusSeconds(2),
                    EventNotification.CURRENT_SCHEMA_VERSION);
        }
    }
}
