package io.fleetevents.broadcaster.mcp;

/** The JSON Schemas (draft 2020-12) of the tools' inputs and outputs, as the model reads them. */
final class ToolSchemas {

    private ToolSchemas() {
    }

    static final String FILTER = """
            {"type": "object", "description": "Which events: the subscription document. All parts optional, ANDed; absent = every event this token may see.",
             "properties": {
               "event_types": {"type": "array", "items": {"enum": ["AGENT_FAILURE", "TASK_COMPLETION", "TASK_FAILURE", "CAPACITY_WARNING", "AGENT_CONNECTED", "AGENT_DISCONNECTED"]}},
               "agent_ids": {"type": "array", "items": {"type": "string"}, "description": "Agent patterns matched against the agent UUID, key <workspace_id>/<agent> or path <owner>/<workspace>.<agent>; * matches any run of characters, e.g. alice/*, *.main"},
               "severity_min": {"enum": ["INFO", "WARNING", "CRITICAL"]}}}""";

    static final String WAIT_INPUT = """
            {"type": "object", "properties": {
              "filter": %s,
              "cursor": {"type": "string", "description": "The cursor returned by your previous call, unchanged. Omit only on the very first call: then the wait starts from now."},
              "timeout_seconds": {"type": "integer", "minimum": 0, "maximum": %d, "default": 30, "description": "How long to wait when nothing matching is there yet."},
              "max_events": {"type": "integer", "minimum": 1, "maximum": %d, "default": 100}}}""";

    static final String LIST_INPUT = """
            {"type": "object", "required": ["from"], "properties": {
              "filter": %s,
              "from": {"type": "string", "description": "A cursor from a previous call, an RFC 3339 UTC time such as 2026-03-02T09:00:00Z, or \\"earliest\\" (start of retention, 7 days)."},
              "limit": {"type": "integer", "minimum": 1, "maximum": %d, "default": 100}}}""";

    static final String EVENTS_OUTPUT = """
            {"type": "object", "required": ["events", "cursor", "has_more", "gap"], "properties": {
              "events": {"type": "array", "items": {"type": "object"}, "description": "EventNotification objects (event_id, event_type, severity, timestamp, agent_id, message, metadata, agent, before, after, observed_at), oldest first per agent."},
              "cursor": {"type": "string", "description": "Pass it as cursor (or from) next time: you get exactly the matching events after these, none missed, none repeated."},
              "has_more": {"type": "boolean", "description": "The page is full: more matching events may be waiting; call again at once with the cursor."},
              "gap": {"type": "boolean", "description": "Retention had already deleted part of the requested range: some events are lost for good."},
              "gap_earliest_cursor": {"type": "string"}}}""";

    static final String LIST_AGENTS_INPUT = """
            {"type": "object", "properties": {
              "filter": {"type": "object", "description": "All parts optional, ANDed; each value is one string or a list of alternatives.", "properties": {
                "agent_ids": {"type": ["string", "array"], "items": {"type": "string"}, "description": "Agent patterns (UUID, key or path; * wildcards), e.g. alice/*"},
                "status": {"type": ["string", "array"], "items": {"type": "string"}, "description": "connecting, connected, disconnected, timeout"},
                "lifecycle_state": {"type": ["string", "array"], "items": {"type": "string"}, "description": "created, starting, ready, start_error, start_timeout, shutting_down, off, ..."},
                "task_state": {"type": ["string", "array"], "items": {"type": "string"}, "description": "working, idle, complete, failure, ..."}}},
              "limit": {"type": "integer", "minimum": 1, "maximum": %d, "default": 100}}}""";

    static final String AGENT = """
            {"type": "object", "description": "FleetAgent: schema_version, deployment, agent {key, path, workspace_id, owner, organization, template}, agent_id, status, lifecycle_state, workspace {transition, build_status, build_number}, task {state, message, at, task_id}, last_event {event_id, event_type, timestamp}, observed_at"}""";

    static final String LIST_AGENTS_OUTPUT = """
            {"type": "object", "required": ["agents", "total", "truncated"], "properties": {
              "agents": {"type": "array", "items": %s},
              "total": {"type": "integer", "description": "Agents matching the filter that this token may see."},
              "truncated": {"type": "boolean"}}}""";

    static final String GET_AGENT_INPUT = """
            {"type": "object", "required": ["agent"], "properties": {
              "agent": {"type": "string", "description": "The agent's path <owner>/<workspace>.<agent>, key <workspace_id>/<agent> or current agent UUID."}}}""";

    static final String GET_AGENT_OUTPUT = """
            {"type": "object", "required": ["agent"], "properties": {"agent": %s}}""";

    static final String CAPACITY_INPUT = """
            {"type": "object", "properties": {
              "scope": {"type": "string", "description": "fleet, org/<organization> or template/<template>; omit for every scope this token may see."}}}""";

    static final String CAPACITY_OUTPUT = """
            {"type": "object", "required": ["samples", "warning_threshold"], "properties": {
              "samples": {"type": "array", "items": {"type": "object"}, "description": "The latest CapacitySample of each scope: scope, observed_at, agents, connected_agents, working_agents, utilisation (0..1), pending_builds."},
              "warning_threshold": {"type": "number"}}}""";
}
