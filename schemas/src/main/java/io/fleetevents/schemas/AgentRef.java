package io.fleetevents.schemas;

/**
 * Who an event is about, in the three identities of the design: the stable agent {@code key}
 * ({@code <workspace_id>/<agent_name>}, the Kafka key), the human {@code path}
 * ({@code <owner>/<workspace_name>.<agent_name>}) and the workspace/owner/organization/template names
 * that authorization scopes and capacity scopes are expressed in.
 *
 * @param key          agent key; never blank. For a workspace without an agent: {@code <workspace_id>/}
 * @param path         agent path for people and wildcards; may be null when unknown
 * @param workspaceId  Coder workspace UUID; may be null when unknown
 * @param owner        workspace owner's username; may be null when unknown
 * @param organization organization name; may be null when unknown
 * @param template     template name; may be null when unknown
 */
public record AgentRef(String key, String path, String workspaceId, String owner, String organization, String template) {

    public AgentRef {
        Validation.requireNonBlank(key, "agent.key");
    }
}
