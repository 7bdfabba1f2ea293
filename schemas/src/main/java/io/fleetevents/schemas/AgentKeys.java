package io.fleetevents.schemas;

/**
 * The identities of the design: agent key {@code <workspace_id>/<agent_name>} (stable across rebuilds, the Kafka
 * key) and agent path {@code <owner>/<workspace_name>.<agent_name>} (Coder's CLI notation, for people).
 */
public final class AgentKeys {

    private AgentKeys() {
    }

    /** The agent key of an agent; {@code agentName} null or empty gives the agent-less key {@code <workspace_id>/}. */
    public static String key(String workspaceId, String agentName) {
        Validation.requireNonBlank(workspaceId, "workspace_id");
        return workspaceId + "/" + (agentName == null ? "" : agentName);
    }

    /** The agent path; without an agent name it is {@code <owner>/<workspace_name>}. */
    public static String path(String owner, String workspaceName, String agentName) {
        String base = owner + "/" + workspaceName;
        return agentName == null || agentName.isEmpty() ? base : base + "." + agentName;
    }

    /** The workspace id part of an agent key. */
    public static String workspaceId(String agentKey) {
        return agentKey.substring(0, agentKey.indexOf('/'));
    }

    /** The agent name part of an agent key; empty for an agent-less workspace key. */
    public static String agentName(String agentKey) {
        return agentKey.substring(agentKey.indexOf('/') + 1);
    }

    static void requireValid(String agentKey, String field) {
        Validation.requireNonBlank(agentKey, field);
        int slash = agentKey.indexOf('/');
        if (slash <= 0 || agentKey.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(field + " must be '<workspace_id>/<agent_name>', was '" + agentKey + "'");
        }
    }
}
