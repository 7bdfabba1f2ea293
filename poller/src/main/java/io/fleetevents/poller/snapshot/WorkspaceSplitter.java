package io.fleetevents.poller.snapshot;

import io.fleetevents.poller.coder.CoderProtocolException;
import io.fleetevents.schemas.AgentKeys;
import io.fleetevents.schemas.Rfc3339;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Splits one Coder workspace into agent observations. Every agent of {@code latest_build.resources[].agents} is its
 * own observation, sub-agents ({@code parent_id} set) included; a workspace without any agent (a failed, pending or
 * stopped build) is one agent-less observation keyed {@code <workspace_id>/}.
 *
 * <p>The workspace JSON of every observation has {@code resources[].agents} emptied (an empty array where there were
 * agents) and Coder's stale-app-status rule applied: when the latest build is a {@code start} and
 * {@code latest_app_status.created_at <= latest_build.created_at}, {@code latest_app_status} is set to null, exactly
 * what Coder's Tasks API does, so a status of a previous build can never be mistaken for news.
 *
 * <p>The workspace's Task goes to the agent it names ({@code workspace_agent_id}), else to the first top-level
 * agent, else to the agent-less observation: one observation per workspace carries it.
 */
public final class WorkspaceSplitter {

    private WorkspaceSplitter() {
    }

    /**
     * Splits {@code workspace}, which it modifies (agents are detached from it).
     *
     * @param tasksByWorkspace Tasks by workspace id; empty when there are none or no Tasks API
     * @throws CoderProtocolException when the workspace has no id
     */
    public static List<AgentObservation> split(ObjectNode workspace, Map<String, ObjectNode> tasksByWorkspace) {
        return split(workspace, tasksByWorkspace, false);
    }

    /**
     * Splits {@code workspace}; with {@code tasksUnknown} (the Tasks API failed this cycle) no task is attached and
     * every observation that could carry one (every top-level agent, or the agent-less observation: which agent a
     * task names is unknown too) is marked {@code taskUnknown}.
     */
    public static List<AgentObservation> split(ObjectNode workspace, Map<String, ObjectNode> tasksByWorkspace,
                                               boolean tasksUnknown) {
        return split(workspace, tasksByWorkspace, tasksUnknown, Integer.MAX_VALUE);
    }

    /**
     * Splits {@code workspace} and bounds every app's {@code statuses}: statuses not after the latest {@code start}
     * build are dropped (stale by Coder's own rule: they belong to an earlier build), and of the rest at most the
     * newest {@code maxAppStatuses} are kept, in the order Coder gave. Coder keeps every status ever reported and
     * lists them all; unbounded, one chatty agent's snapshot would grow until Kafka refuses it. The processor acts on
     * every status since the last one it acted on, so the bound only has to exceed what one agent reports between two
     * writes of its snapshot.
     */
    public static List<AgentObservation> split(ObjectNode workspace, Map<String, ObjectNode> tasksByWorkspace,
                                               boolean tasksUnknown, int maxAppStatuses) {
        String workspaceId = workspace.path("id").asString("");
        if (workspaceId.isBlank()) {
            throw new CoderProtocolException("a workspace has no id", 200, null);
        }
        List<ObjectNode> agents = detachAgents(workspace);
        applyStaleAppStatusRule(workspace);
        for (ObjectNode agent : agents) {
            boundAppStatuses(agent, workspace.path("latest_build"), maxAppStatuses);
        }
        ObjectNode task = tasksUnknown ? null : tasksByWorkspace.get(workspaceId);
        List<AgentObservation> out = new ArrayList<>(Math.max(1, agents.size()));
        if (agents.isEmpty()) {
            out.add(new AgentObservation(AgentKeys.key(workspaceId, null), null, workspace, task, tasksUnknown));
            return out;
        }
        ObjectNode taskAgent = task == null ? null : taskAgent(agents, task);
        Set<String> names = new HashSet<>();
        for (ObjectNode agent : agents) {
            String name = agent.path("name").asString("");
            if (name.isBlank() || !names.add(name) || name.contains("/")) {
                throw new CoderProtocolException("workspace " + workspaceId + " has an agent with a missing,"
                        + " duplicate or invalid name '" + name + "'", 200, null);
            }
            JsonNode parent = agent.get("parent_id");
            boolean topLevel = parent == null || parent.isNull();
            out.add(new AgentObservation(AgentKeys.key(workspaceId, name), agent, workspace,
                    agent == taskAgent ? task : null, tasksUnknown && topLevel));
        }
        return out;
    }

    private static List<ObjectNode> detachAgents(ObjectNode workspace) {
        List<ObjectNode> agents = new ArrayList<>();
        JsonNode resources = workspace.path("latest_build").path("resources");
        if (!resources.isArray()) {
            return agents;
        }
        for (JsonNode resource : resources) {
            JsonNode list = resource.get("agents");
            if (list != null && list.isArray() && resource instanceof ObjectNode objectResource) {
                for (JsonNode agent : list) {
                    if (agent instanceof ObjectNode objectAgent) {
                        agents.add(objectAgent);
                    }
                }
                objectResource.set("agents", new ArrayNode(JsonNodeFactory.instance));
            }
        }
        return agents;
    }

    /** Coder's rule (coder-api.md §6); public so the rule itself is tested on its own. */
    public static boolean isStale(JsonNode latestAppStatus, JsonNode latestBuild) {
        if (latestAppStatus == null || !latestAppStatus.isObject()) {
            return false;
        }
        if (!"start".equals(latestBuild.path("transition").asString(""))) {
            return false;
        }
        Instant status = instant(latestAppStatus.path("created_at"));
        Instant build = instant(latestBuild.path("created_at"));
        return status != null && build != null && !status.isAfter(build);
    }

    private static void boundAppStatuses(ObjectNode agent, JsonNode latestBuild, int max) {
        JsonNode apps = agent.get("apps");
        if (apps == null || !apps.isArray()) {
            return;
        }
        for (JsonNode app : apps) {
            JsonNode statuses = app.get("statuses");
            if (!(app instanceof ObjectNode objectApp) || statuses == null || !statuses.isArray() || statuses.isEmpty()) {
                continue;
            }
            List<JsonNode> fresh = new ArrayList<>(statuses.size());
            for (JsonNode status : statuses) {
                if (!isStale(status, latestBuild)) {
                    fresh.add(status);
                }
            }
            if (fresh.size() > max) {
                // newest first by created_at; among equal times the earlier in Coder's list (created_at DESC, id DESC)
                List<JsonNode> all = fresh;
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    order.add(i);
                }
                order.sort((a, b) -> {
                    Instant ia = instant(all.get(a).get("created_at"));
                    Instant ib = instant(all.get(b).get("created_at"));
                    int byTime = ia == null || ib == null ? 0 : ib.compareTo(ia);
                    return byTime != 0 ? byTime : Integer.compare(a, b);
                });
                Set<Integer> keep = new HashSet<>(order.subList(0, max));
                List<JsonNode> kept = new ArrayList<>(max);
                for (int i = 0; i < fresh.size(); i++) {
                    if (keep.contains(i)) {
                        kept.add(fresh.get(i));
                    }
                }
                fresh = kept;
            }
            if (fresh.size() != statuses.size()) {
                ArrayNode bounded = new ArrayNode(JsonNodeFactory.instance);
                fresh.forEach(bounded::add);
                objectApp.set("statuses", bounded);
            }
        }
    }

    private static void applyStaleAppStatusRule(ObjectNode workspace) {
        if (isStale(workspace.get("latest_app_status"), workspace.path("latest_build"))) {
            workspace.putNull("latest_app_status");
        }
    }

    private static ObjectNode taskAgent(List<ObjectNode> agents, ObjectNode task) {
        String agentId = task.path("workspace_agent_id").asString("");
        for (ObjectNode agent : agents) {
            if (!agentId.isEmpty() && agentId.equals(agent.path("id").asString(""))) {
                return agent;
            }
        }
        for (ObjectNode agent : agents) {
            JsonNode parent = agent.get("parent_id");
            if (parent == null || parent.isNull()) {
                return agent;
            }
        }
        return agents.get(0);
    }

    static Instant instant(JsonNode node) {
        if (node == null || !node.isString()) {
            return null;
        }
        // Rfc3339: Coder's UTC form without DateTimeFormatter (which was ~6 % of the poll thread); other forms
        // (offsets) still parse, and anything else is not a time.
        try {
            return Rfc3339.toInstant(node.asString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
