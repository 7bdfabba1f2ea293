package io.fleetevents.codersim.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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
            List<SimWorkspace> matches = fleet.sorted().stream().filter(query::matches).toList();
            count = matches.size();
            int from = Math.min(offset, count);
            int to = limit == 0 ? count : Math.min(count, from + limit);
            page = matches.subList(from, to);
        }
        out.write("{\"workspaces\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
        boolean first = true;
        for (SimWorkspace ws : page) {
            buffer.reset();
            synchronized (fleet) {
                try (JsonGenerator g = json.createGenerator(buffer)) {
                    CoderJson.workspace(g, ws, fleet.now());
                }
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            buffer.writeTo(out);
        }
        out.write(("],\"count\":" + count + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Writes one workspace; false when there is none with this id. */
    public boolean writeWorkspace(OutputStream out, UUID id) {
        synchronized (fleet) {
            SimWorkspace ws = fleet.workspaces.get(id);
            if (ws == null) {
                return false;
            }
            try (JsonGenerator g = json.createGenerator(out)) {
                CoderJson.workspace(g, ws, fleet.now());
            }
            return true;
        }
    }

    /** Writes {@code {"tasks": [...], "count": n}}: every workspace's Task (unpaginated, as in Coder). */
    public void writeTasks(OutputStream out) {
        synchronized (fleet) {
            try (JsonGenerator g = json.createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayPropertyStart("tasks");
                int count = 0;
                Instant now = fleet.now();
                for (SimWorkspace ws : fleet.sorted()) {
                    if (ws.task != null) {
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
}
