package io.fleetevents.codersim.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the fleet as Coder's responses ({@link CoderJson} shapes): the workspace list, one workspace, the Tasks
 * list. Listing renders one workspace at a time under the fleet's monitor and writes it out without holding it, so a
 * slow HTTP client never blocks the fleet's activity.
 */
public final class FleetJson {

    private final Fleet fleet;
    private final JsonFactory json = new JsonFactory();

    public FleetJson(Fleet fleet) {
        this.fleet = fleet;
    }

    /** What a read by id found. */
    public enum Found { FOUND, DELETED, MISSING }

    /** The Coder version the fleet behaves as. */
    public CoderVersion coderVersion() {
        return fleet.coderVersion;
    }

    /**
     * Writes {@code {"workspaces": [...], "count": n}} for a query page to {@code out}, rendering one workspace at a
     * time under the fleet's monitor and writing it out without holding it.
     *
     * @param limit 0 means no limit, as in Coder
     */
    public void writeWorkspaceList(OutputStream out, WorkspaceQuery query, int limit, int offset) throws IOException {
        List<SimWorkspace> page;
        int count;
        synchronized (fleet) {
            Instant now = fleet.now();
            List<SimWorkspace> matches = fleet.sorted().stream().filter(ws -> query.matches(ws, now)).toList();
            count = matches.size();
            int from = Math.min(offset, count);
            int to = limit == 0 ? count : Math.min(count, from + limit);
            page = matches.subList(from, to);
        }
        out.write("{\"workspaces\":[".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
        boolean first = true;
        for (SimWorkspace ws : page) {
            buffer.reset();
            synchronized (fleet) {
                try (JsonGenerator g = json.createGenerator(buffer)) {
                    CoderJson.workspace(g, ws, fleet.now(), fleet.coderVersion);
                }
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            buffer.writeTo(out);
        }
        out.write(("],\"count\":" + count + "}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes one workspace. A deleted one is written only when {@code includeDeleted}; otherwise the answer is
     * {@link Found#DELETED} and nothing is written.
     */
    public Found writeWorkspace(OutputStream out, UUID id, boolean includeDeleted) {
        synchronized (fleet) {
            Instant now = fleet.now();
            SimWorkspace ws = fleet.workspaces.get(id);
            if (ws == null) {
                ws = fleet.deletedWorkspaces.get(id);
                if (ws == null) {
                    return Found.MISSING;
                }
                if (!includeDeleted) {
                    return Found.DELETED;
                }
            }
            try (JsonGenerator g = json.createGenerator(out)) {
                CoderJson.workspace(g, ws, now, fleet.coderVersion);
            }
            return Found.FOUND;
        }
    }

    /**
     * One workspace as its watch sends it: the same JSON as {@code GET /api/v2/workspaces/{id}}, or null when it is
     * deleted or unknown (Coder's watch then answers an {@code error} event: the workspace cannot be fetched).
     */
    public byte[] watchedWorkspace(UUID id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
        return writeWorkspace(out, id, false) == Found.FOUND ? out.toByteArray() : null;
    }

    /**
     * The workspace's latest build as the build stream sends it ({@code codersdk.WorkspaceBuildUpdate}):
     * {@code {workspace_id, build_id, transition, job_status, build_number, workspace_name}}; null when unknown.
     */
    public byte[] buildUpdate(UUID id) {
        synchronized (fleet) {
            fleet.now();
            SimWorkspace ws = fleet.workspaces.get(id);
            if (ws == null) {
                ws = fleet.deletedWorkspaces.get(id);
            }
            if (ws == null || ws.build.id == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try (JsonGenerator g = json.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringProperty("workspace_id", ws.id.toString());
                g.writeStringProperty("workspace_name", ws.name);
                g.writeStringProperty("build_id", ws.build.id.toString());
                g.writeStringProperty("transition", ws.build.transition);
                g.writeStringProperty("job_status", ws.build.jobStatus);
                g.writeNumberProperty("build_number", ws.build.number);
                g.writeEndObject();
            }
            return out.toByteArray();
        }
    }

    /** The ids of the live workspaces, in list order. */
    public List<UUID> workspaceIds() {
        synchronized (fleet) {
            fleet.now();
            return fleet.sorted().stream().map(ws -> ws.id).toList();
        }
    }

    /** Writes one agent by UUID, of the current or an earlier build ({@code GET /api/v2/workspaceagents/{id}}). */
    public Found writeAgent(OutputStream out, UUID id) {
        synchronized (fleet) {
            Instant now = fleet.now();
            Fleet.Located located = fleet.agentById(id);
            if (located == null) {
                return Found.MISSING;
            }
            try (JsonGenerator g = json.createGenerator(out)) {
                CoderJson.agent(g, located.workspace(), located.agent(), now, fleet.coderVersion);
            }
            return Found.FOUND;
        }
    }

    /**
     * Writes the GA list {@code {"tasks": [...], "count": n}}: every Task (unpaginated, as in Coder), filtered by
     * {@code q}'s {@code owner:} and {@code status:} (a bare term is an owner).
     */
    public void writeTasks(OutputStream out, String q) {
        Map<String, String> terms = taskQuery(q);
        synchronized (fleet) {
            try (JsonGenerator g = json.createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayPropertyStart("tasks");
                int count = 0;
                Instant now = fleet.now();
                for (SimWorkspace ws : fleet.sorted()) {
                    if (ws.task != null && ownerMatches(terms.get("owner"), ws)
                            && (!terms.containsKey("status") || terms.get("status").equals(CoderJson.taskStatus(ws, now)))) {
                        CoderJson.task(g, ws, now);
                        count++;
                    }
                }
                g.writeEndArray();
                g.writeNumberProperty("count", count);
                g.writeEndObject();
            }
        }
    }

    /** The GA list with no query. */
    public void writeTasks(OutputStream out) {
        writeTasks(out, null);
    }

    /**
     * Writes the experimental list of Coder 2.26–2.28. As there, an empty query means {@code owner:me}: only the
     * caller's own tasks.
     */
    public void writeExperimentalTasks(OutputStream out, String q, String caller) {
        Map<String, String> terms = taskQuery(q);
        String owner = terms.getOrDefault("owner", caller);
        synchronized (fleet) {
            try (JsonGenerator g = json.createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayPropertyStart("tasks");
                int count = 0;
                Instant now = fleet.now();
                for (SimWorkspace ws : fleet.sorted()) {
                    if (ws.task != null && ownerMatches("me".equals(owner) ? caller : owner, ws)) {
                        CoderJson.experimentalTask(g, ws, now, fleet.coderVersion);
                        count++;
                    }
                }
                g.writeEndArray();
                g.writeNumberProperty("count", count);
                g.writeEndObject();
            }
        }
    }

    private static boolean ownerMatches(String owner, SimWorkspace ws) {
        return owner == null || owner.equalsIgnoreCase(ws.ownerName) || owner.equals(ws.ownerId.toString());
    }

    /**
     * Parses a Tasks {@code q}: {@code owner:}, {@code status:}, {@code organization:} (accepted, not filtered), and a
     * bare term as owner.
     *
     * @throws IllegalArgumentException naming the bad term
     */
    static Map<String, String> taskQuery(String q) {
        Map<String, String> terms = new HashMap<>();
        if (q == null || q.isBlank()) {
            return terms;
        }
        for (String term : q.trim().toLowerCase(Locale.ROOT).split("\\s+")) {
            int colon = term.indexOf(':');
            if (colon < 0) {
                terms.put("owner", term);
                continue;
            }
            String key = term.substring(0, colon);
            if (!key.equals("owner") && !key.equals("status") && !key.equals("organization")) {
                throw new IllegalArgumentException("q: unsupported search key '" + key + "'");
            }
            terms.put(key, term.substring(colon + 1));
        }
        return terms;
    }
}
