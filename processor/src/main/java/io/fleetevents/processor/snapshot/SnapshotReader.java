package io.fleetevents.processor.snapshot;

import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Rfc3339;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a {@code coder.agent-snapshots} value in one streaming pass, keeping only the fields the processor uses
 * and skipping the rest of the ~4 KB of raw Coder JSON without building a tree or a {@code RawJson} string.
 *
 * <p>It enforces the same contract as {@link io.fleetevents.schemas.SnapshotRecord}'s Jackson binding and record
 * constructors ({@code kind}, {@code schema_version >= 1}, deployment, {@code poll_id >= 0}, {@code observed_at},
 * the agent key shape, agent present exactly when the key names one, marker partition bounds and keys); a value
 * that the schemas serde would reject is rejected here too, with a reason for the DLQ. Unknown fields are
 * ignored, as the contract says. Thread-safe and stateless.
 */
public final class SnapshotReader {

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * Coder's prebuilds system user (coderd/database/migrations/000290_prebuilds.up.sql): it owns every unclaimed
     * prebuilt workspace, also in releases whose Workspace has no {@code is_prebuild} yet.
     */
    static final String PREBUILDS_USER_ID = "c42fdf75-3097-471c-8c33-fb52454d81c0";

    /**
     * Parses one value.
     *
     * @throws InvalidSnapshotException when the bytes are not a valid snapshot record
     */
    public ParsedSnapshot read(byte[] value) {
        if (value == null) {
            throw new InvalidSnapshotException("null value (tombstone) is not a snapshot record");
        }
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), value)) {
            // Like the schemas serde (Jackson's default), content after the object is not looked at.
            return readTop(p);
        } catch (JacksonException e) {
            throw new InvalidSnapshotException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidSnapshotException(e.getMessage(), e);
        }
    }

    private ParsedSnapshot readTop(JsonParser p) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new InvalidSnapshotException("expected a JSON object");
        }
        String kind = null;
        int schemaVersion = 0;
        String deployment = null;
        long pollId = -1;
        String observedAt = null;
        String agentKey = null;
        AgentFacts agent = null;
        boolean agentPresent = false;
        WorkspaceFacts workspace = null;
        TaskFacts task = null;
        int partition = -1;
        int partitionCount = -1;
        Set<String> agentKeys = null;
        Map<String, Departure> departures = null;
        boolean taskUnknown = false;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "kind" -> kind = string(p, token, name);
                case "schema_version" -> schemaVersion = integer(p, token, name);
                case "deployment" -> deployment = string(p, token, name);
                case "poll_id" -> pollId = longValue(p, token, name);
                case "observed_at" -> observedAt = string(p, token, name);
                case "agent_key" -> agentKey = string(p, token, name);
                case "agent" -> {
                    agentPresent = token != JsonToken.VALUE_NULL;
                    agent = agentPresent ? readAgent(p, token) : null;
                }
                case "workspace" -> workspace = token == JsonToken.VALUE_NULL ? null : readWorkspace(p, token);
                case "task" -> task = token == JsonToken.VALUE_NULL ? null : readTask(p, token);
                case "partition" -> partition = integer(p, token, name);
                case "partition_count" -> partitionCount = integer(p, token, name);
                case "agent_keys" -> agentKeys = token == JsonToken.VALUE_NULL ? null : readKeys(p, token);
                case "departures" -> departures = token == JsonToken.VALUE_NULL ? null : readDepartures(p, token);
                case "task_unknown" -> taskUnknown = token == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
        if (kind == null) {
            throw new InvalidSnapshotException("missing type id property 'kind'");
        }
        if (schemaVersion < 1) {
            throw new InvalidSnapshotException("schema_version must be >= 1, was " + schemaVersion);
        }
        requireNonBlank(deployment, "deployment");
        if (pollId < 0) {
            throw new InvalidSnapshotException("poll_id is required and must be >= 0");
        }
        requireNonBlank(observedAt, "observed_at");
        Instant observed = Rfc3339.toInstant(observedAt);
        if (AgentSnapshot.KIND.equals(kind)) {
            requireKey(agentKey, "agent_key");
            if (workspace == null) {
                throw new InvalidSnapshotException("workspace is required");
            }
            boolean agentless = agentKey.endsWith("/");
            if (agentless && agentPresent) {
                throw new InvalidSnapshotException("agent_key '" + agentKey + "' names no agent but an agent is present");
            }
            if (!agentless && !agentPresent) {
                throw new InvalidSnapshotException("agent is required for agent_key '" + agentKey + "'");
            }
            if (taskUnknown && task != null) {
                throw new InvalidSnapshotException("task must be absent when task_unknown is true (agent_key '"
                        + agentKey + "')");
            }
            return new AgentObservation(deployment, pollId, observed, agentKey, workspace, agent, task, taskUnknown);
        }
        if (CycleMarker.KIND.equals(kind)) {
            if (partition < 0) {
                throw new InvalidSnapshotException("partition is required and must be >= 0");
            }
            if (partitionCount < 1 || partition >= partitionCount) {
                throw new InvalidSnapshotException("partition_count must be > partition (" + partition + "), was "
                        + partitionCount);
            }
            if (departures != null && agentKeys != null) {
                for (String departed : departures.keySet()) {
                    if (agentKeys.contains(departed)) {
                        throw new InvalidSnapshotException("departures['" + departed + "'] must not also be in agent_keys");
                    }
                }
            }
            return new MarkerObservation(deployment, pollId, observed, partition, partitionCount,
                    agentKeys == null ? Set.of() : agentKeys, departures);
        }
        throw new InvalidSnapshotException("unknown kind '" + kind + "': expected '" + AgentSnapshot.KIND + "' or '"
                + CycleMarker.KIND + "'");
    }

    private AgentFacts readAgent(JsonParser p, JsonToken token) {
        requireObject(token, "agent");
        String id = null;
        String agentName = null;
        String parentId = null;
        String status = null;
        String lifecycle = null;
        String createdAt = null;
        String firstConnectedAt = null;
        String lastConnectedAt = null;
        String disconnectedAt = null;
        String readyAt = null;
        int connectionTimeout = 0;
        List<AppStatus> statuses = new ArrayList<>();
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, t, "agent.id");
                case "name" -> agentName = string(p, t, "agent.name");
                case "parent_id" -> parentId = string(p, t, "agent.parent_id");
                case "status" -> status = string(p, t, "agent.status");
                case "lifecycle_state" -> lifecycle = string(p, t, "agent.lifecycle_state");
                case "created_at" -> createdAt = string(p, t, "agent.created_at");
                case "first_connected_at" -> firstConnectedAt = string(p, t, "agent.first_connected_at");
                case "last_connected_at" -> lastConnectedAt = string(p, t, "agent.last_connected_at");
                case "disconnected_at" -> disconnectedAt = string(p, t, "agent.disconnected_at");
                case "ready_at" -> readyAt = string(p, t, "agent.ready_at");
                case "connection_timeout_seconds" -> connectionTimeout = t == JsonToken.VALUE_NULL ? 0
                        : integer(p, t, "agent.connection_timeout_seconds");
                case "apps" -> readAppStatuses(p, t, statuses);
                default -> p.skipChildren();
            }
        }
        return new AgentFacts(id, agentName, parentId, status, lifecycle, createdAt, firstConnectedAt,
                lastConnectedAt, disconnectedAt, readyAt, connectionTimeout, statuses);
    }

    private void readAppStatuses(JsonParser p, JsonToken token, List<AppStatus> statuses) {
        if (token == JsonToken.VALUE_NULL) {
            return;
        }
        if (token != JsonToken.START_ARRAY) {
            throw new InvalidSnapshotException("agent.apps must be an array");
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                if ("statuses".equals(name) && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        AppStatus status = readAppStatus(p);
                        if (status != null) {
                            statuses.add(status);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    /** Reads a status object whose START_OBJECT is the current token; null when it lacks id, state or time. */
    private AppStatus readAppStatus(JsonParser p) {
        String id = null;
        String state = null;
        String message = null;
        String uri = null;
        String createdAt = null;
        String agentId = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, t, "app status id");
                case "state" -> state = string(p, t, "app status state");
                case "message" -> message = string(p, t, "app status message");
                case "uri" -> uri = string(p, t, "app status uri");
                case "created_at" -> createdAt = string(p, t, "app status created_at");
                case "agent_id" -> agentId = string(p, t, "app status agent_id");
                default -> p.skipChildren();
            }
        }
        if (id == null || state == null || createdAt == null) {
            return null;
        }
        return new AppStatus(id, state, message, uri, createdAt, Rfc3339.toEpochMicros(createdAt), agentId);
    }

    private WorkspaceFacts readWorkspace(JsonParser p, JsonToken token) {
        requireObject(token, "workspace");
        String id = null;
        String wsName = null;
        String owner = null;
        String organization = null;
        String template = null;
        String buildId = null;
        int buildNumber = 0;
        String transition = null;
        String buildStatus = null;
        String buildCreatedAt = null;
        String jobStatus = null;
        String jobError = null;
        String jobErrorCode = null;
        String jobCompletedAt = null;
        int queueSize = 0;
        int provisionersCount = -1;
        int provisionersAvailable = -1;
        AppStatus latestAppStatus = null;
        boolean prebuild = false;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, t, "workspace.id");
                case "name" -> wsName = string(p, t, "workspace.name");
                case "owner_name" -> owner = string(p, t, "workspace.owner_name");
                case "organization_name" -> organization = string(p, t, "workspace.organization_name");
                case "template_name" -> template = string(p, t, "workspace.template_name");
                case "is_prebuild" -> prebuild |= t == JsonToken.VALUE_TRUE;
                case "owner_id" -> prebuild |= PREBUILDS_USER_ID.equals(string(p, t, "workspace.owner_id"));
                case "latest_app_status" -> {
                    if (t == JsonToken.START_OBJECT) {
                        latestAppStatus = readAppStatus(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "latest_build" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String b;
                    while ((b = p.nextName()) != null) {
                        JsonToken bt = p.nextToken();
                        switch (b) {
                            case "id" -> buildId = string(p, bt, "latest_build.id");
                            case "build_number" -> buildNumber = bt == JsonToken.VALUE_NULL ? 0
                                    : integer(p, bt, "latest_build.build_number");
                            case "transition" -> transition = string(p, bt, "latest_build.transition");
                            case "status" -> buildStatus = string(p, bt, "latest_build.status");
                            case "created_at" -> buildCreatedAt = string(p, bt, "latest_build.created_at");
                            case "job" -> {
                                if (bt != JsonToken.START_OBJECT) {
                                    p.skipChildren();
                                    continue;
                                }
                                String j;
                                while ((j = p.nextName()) != null) {
                                    JsonToken jt = p.nextToken();
                                    switch (j) {
                                        case "status" -> jobStatus = string(p, jt, "job.status");
                                        case "error" -> jobError = string(p, jt, "job.error");
                                        case "error_code" -> jobErrorCode = string(p, jt, "job.error_code");
                                        case "completed_at" -> jobCompletedAt = string(p, jt, "job.completed_at");
                                        case "queue_size" -> queueSize = jt == JsonToken.VALUE_NULL ? 0
                                                : integer(p, jt, "job.queue_size");
                                        default -> p.skipChildren();
                                    }
                                }
                            }
                            case "matched_provisioners" -> {
                                if (bt != JsonToken.START_OBJECT) {
                                    p.skipChildren();
                                    continue;
                                }
                                String m;
                                while ((m = p.nextName()) != null) {
                                    JsonToken mt = p.nextToken();
                                    switch (m) {
                                        case "count" -> provisionersCount = mt == JsonToken.VALUE_NULL ? -1
                                                : integer(p, mt, "matched_provisioners.count");
                                        case "available" -> provisionersAvailable = mt == JsonToken.VALUE_NULL ? -1
                                                : integer(p, mt, "matched_provisioners.available");
                                        default -> p.skipChildren();
                                    }
                                }
                            }
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        long buildCreatedMicros = buildCreatedAt == null ? Long.MIN_VALUE : Rfc3339.toEpochMicros(buildCreatedAt);
        return new WorkspaceFacts(id, wsName, owner, organization, template, buildId, buildNumber, transition,
                buildStatus, buildCreatedAt, buildCreatedMicros, jobStatus, jobError, jobErrorCode, jobCompletedAt,
                queueSize, provisionersCount, provisionersAvailable, latestAppStatus, prebuild);
    }

    private TaskFacts readTask(JsonParser p, JsonToken token) {
        requireObject(token, "task");
        String id = null;
        String status = null;
        String agentId = null;
        int buildNumber = 0;
        String stateTimestamp = null;
        String state = null;
        String message = null;
        String uri = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = string(p, t, "task.id");
                case "status" -> status = string(p, t, "task.status");
                case "workspace_agent_id" -> agentId = string(p, t, "task.workspace_agent_id");
                case "workspace_build_number" -> buildNumber = t == JsonToken.VALUE_NULL ? 0
                        : integer(p, t, "task.workspace_build_number");
                case "current_state" -> {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String c;
                    while ((c = p.nextName()) != null) {
                        JsonToken ct = p.nextToken();
                        switch (c) {
                            case "timestamp" -> stateTimestamp = string(p, ct, "current_state.timestamp");
                            case "state" -> state = string(p, ct, "current_state.state");
                            case "message" -> message = string(p, ct, "current_state.message");
                            case "uri" -> uri = string(p, ct, "current_state.uri");
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        AppStatus current = id == null || state == null || stateTimestamp == null ? null
                : new AppStatus("task:" + id + ":" + stateTimestamp, state, message, uri, stateTimestamp,
                        Rfc3339.toEpochMicros(stateTimestamp), agentId);
        return new TaskFacts(id, status, agentId, buildNumber, current);
    }

    private Map<String, Departure> readDepartures(JsonParser p, JsonToken token) {
        requireObject(token, "departures");
        Map<String, Departure> departures = new HashMap<>();
        String key;
        while ((key = p.nextName()) != null) {
            requireKey(key, "departures key");
            JsonToken t = p.nextToken();
            requireObject(t, "departures['" + key + "']");
            String reason = null;
            String buildId = null;
            int buildNumber = 0;
            String transition = null;
            String jobStatus = null;
            String initiator = null;
            String workspaceId = null;
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken dt = p.nextToken();
                switch (name) {
                    case "reason" -> reason = string(p, dt, "departure.reason");
                    case "build_id" -> buildId = string(p, dt, "departure.build_id");
                    case "build_number" -> buildNumber = dt == JsonToken.VALUE_NULL ? 0
                            : integer(p, dt, "departure.build_number");
                    case "transition" -> transition = string(p, dt, "departure.transition");
                    case "job_status" -> jobStatus = string(p, dt, "departure.job_status");
                    case "initiator" -> initiator = initiator(p, dt);
                    case "workspace_id" -> workspaceId = string(p, dt, "departure.workspace_id");
                    default -> p.skipChildren();
                }
            }
            // the same rules as schemas' Departure and CycleMarker
            String at = "departures['" + key + "'].";
            requireNonBlank(reason, at + "reason");
            String expectedTransition = switch (reason) {
                case "workspace_stopped" -> "stop";
                case "workspace_deleted" -> "delete";
                case "workspace_rebuilt" -> "start";
                default -> throw new InvalidSnapshotException(at + "reason must be workspace_stopped, "
                        + "workspace_deleted or workspace_rebuilt, was '" + reason + "'");
            };
            requireNonBlank(buildId, at + "build_id");
            if (buildNumber < 1) {
                throw new InvalidSnapshotException(at + "build_number must be >= 1, was " + buildNumber);
            }
            if (!expectedTransition.equals(transition)) {
                throw new InvalidSnapshotException(at + "transition must be '" + expectedTransition + "' for "
                        + reason + ", was '" + transition + "'");
            }
            requireNonBlank(jobStatus, at + "job_status");
            if (!key.substring(0, key.indexOf('/')).equals(workspaceId)) {
                throw new InvalidSnapshotException(at + "workspace_id must be the key's workspace, was '"
                        + workspaceId + "'");
            }
            departures.put(key, new Departure(reason, buildId, buildNumber, transition, jobStatus, initiator,
                    workspaceId));
        }
        return departures;
    }

    /** The initiator's name: a string, or Coder's {@code {id, username|name}} object reduced to its name. */
    private static String initiator(JsonParser p, JsonToken token) {
        if (token != JsonToken.START_OBJECT) {
            return string(p, token, "departure.initiator");
        }
        String username = null;
        String fallback = null;
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "username" -> username = string(p, t, "departure.initiator.username");
                case "name" -> fallback = string(p, t, "departure.initiator.name");
                default -> p.skipChildren();
            }
        }
        return username != null ? username : fallback;
    }

    private Set<String> readKeys(JsonParser p, JsonToken token) {
        if (token != JsonToken.START_ARRAY) {
            throw new InvalidSnapshotException("agent_keys must be an array");
        }
        Set<String> keys = new HashSet<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw new InvalidSnapshotException("agent_keys must contain only strings");
            }
            String key = p.getString();
            requireKey(key, "agent_keys[]");
            keys.add(key);
        }
        return keys;
    }

    private static String string(JsonParser p, JsonToken token, String field) {
        if (token == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            throw new InvalidSnapshotException(field + " must be a string, found " + token);
        }
        return p.getText();
    }

    private static int integer(JsonParser p, JsonToken token, String field) {
        long value = longValue(p, token, field);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new InvalidSnapshotException(field + " is out of range: " + value);
        }
        return (int) value;
    }

    /** An integer as the schemas serde accepts it: a JSON integer, a float (truncated) or a numeric string. */
    private static long longValue(JsonParser p, JsonToken token, String field) {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            return (long) p.getDoubleValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getString().trim());
            } catch (NumberFormatException e) {
                throw new InvalidSnapshotException(field + " must be an integer, was '" + p.getString() + "'");
            }
        }
        throw new InvalidSnapshotException(field + " must be an integer, found " + token);
    }

    private static void requireObject(JsonToken token, String field) {
        if (token != JsonToken.START_OBJECT) {
            throw new InvalidSnapshotException(field + " must be a JSON object, found " + token);
        }
    }

    private static void requireNonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidSnapshotException(field + " is required and must not be blank");
        }
    }

    private static void requireKey(String key, String field) {
        requireNonBlank(key, field);
        int slash = key.indexOf('/');
        if (slash <= 0 || key.indexOf('/', slash + 1) >= 0) {
            throw new InvalidSnapshotException(field + " must be '<workspace_id>/<agent_name>', was '" + key + "'");
        }
    }
}
