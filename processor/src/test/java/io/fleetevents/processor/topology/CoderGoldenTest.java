package io.fleetevents.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.RawJson;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.testing.Snapshots;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Golden tests: sequences of Coder responses, shaped as the Coder version named in each poll file returns them
 * (coder-api.md §16), replayed through the real topology and compared with the expected events. One directory per
 * row of docs/coder-fidelity.md under {@code src/test/resources/coder-golden/}.
 *
 * <p>A poll file holds what the poller read in one cycle: {@code workspaces} ({@code GET /api/v2/workspaces}),
 * {@code agents_by_id} (hidden old agents read by UUID during a stop/delete build, per workspace), {@code tasks}
 * ({@code GET /api/v2/tasks}, or the error it answered) and the {@code departures} the poller found. This test splits
 * it the way the poller's contract says (one snapshot per agent, the workspace without its agents, the task of the
 * workspace or {@code task_unknown} when the Tasks API failed, then a cycle marker) — it is a stand-in for the
 * poller's splitting, not a test of it.
 *
 * <p>An expected line is {@code TYPE SEVERITY label path timestamp}, label being {@code metadata.reason}, else the
 * task state, followed by the flags set ({@code implicit}, {@code claimed}, {@code recreated}); {@code -} when none.
 * CAPACITY_WARNING events are left out: capacity has its own tests.
 */
class CoderGoldenTest {

    static Stream<String> rows() throws IOException, URISyntaxException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldEmitTheExpectedEventsForTheRecordedCoderSequence(String row) throws Exception {
        Path dir = root().resolve(row);
        List<Path> polls;
        try (Stream<Path> files = Files.list(dir)) {
            polls = files.filter(p -> p.getFileName().toString().startsWith("poll-")).sorted().toList();
        }
        List<String> expected = Files.readAllLines(dir.resolve("expected-events.txt")).stream()
                .filter(l -> !l.isBlank()).toList();

        List<String> actual = new ArrayList<>();
        try (TopologyHarness harness = new TopologyHarness()) {
            long pollId = 0;
            for (Path poll : polls) {
                pollId++;
                replay(harness, pollId, FleetJson.mapper().readTree(Files.readString(poll)));
                // capacity has its own tests; these rows are about agents and tasks
                harness.drainEvents().stream().filter(e -> e.eventType() != EventType.CAPACITY_WARNING)
                        .forEach(e -> actual.add(line(e)));
            }
        }

        assertThat(actual).as(row).containsExactlyElementsOf(expected);
    }

    private static void replay(TopologyHarness harness, long pollId, JsonNode poll) {
        Instant observed = Instant.parse(poll.get("observed_at").asString());
        JsonNode tasks = poll.get("tasks");
        boolean tasksFailed = tasks != null && !tasks.has("tasks");
        List<String> keys = new ArrayList<>();
        for (JsonNode ws : poll.get("workspaces").get("workspaces")) {
            ObjectNode workspace = ((ObjectNode) ws).deepCopy();
            List<JsonNode> agents = new ArrayList<>();
            for (JsonNode resource : workspace.get("latest_build").get("resources")) {
                resource.get("agents").forEach(agents::add);
                ((ObjectNode) resource).putArray("agents");
            }
            JsonNode hidden = poll.path("agents_by_id").path(workspace.get("id").asString());
            hidden.forEach(agents::add);
            JsonNode task = taskOf(tasks, workspace.get("id").asString());
            String workspaceId = workspace.get("id").asString();
            if (agents.isEmpty()) {
                keys.add(pipe(harness, pollId, observed, workspaceId + "/", null, workspace, task, tasksFailed));
            }
            for (JsonNode agent : agents) {
                keys.add(pipe(harness, pollId, observed, workspaceId + "/" + agent.get("name").asString(), agent,
                        workspace, task, tasksFailed));
            }
        }
        ObjectNode marker = SnapshotJson.marker(pollId, observed, keys);
        if (poll.has("departures")) {
            marker.set("departures", poll.get("departures"));
        }
        harness.pipe(marker);
    }

    private static String pipe(TopologyHarness harness, long pollId, Instant observed, String key, JsonNode agent,
                               ObjectNode workspace, JsonNode task, boolean taskUnknown) {
        SnapshotRecord snapshot = new AgentSnapshot(SnapshotRecord.CURRENT_SCHEMA_VERSION, Snapshots.DEPLOYMENT,
                pollId, observed, key, agent == null ? null : RawJson.of(agent), RawJson.of(workspace),
                task == null ? null : RawJson.of(task));
        ObjectNode tree = SnapshotJson.tree(snapshot);
        if (taskUnknown) {
            tree.put("task_unknown", true);
        }
        harness.pipe(tree);
        return key;
    }

    private static JsonNode taskOf(JsonNode tasks, String workspaceId) {
        if (tasks == null || !tasks.has("tasks")) {
            return null;
        }
        for (JsonNode task : tasks.get("tasks")) {
            if (workspaceId.equals(task.path("workspace_id").asString(null))) {
                return task;
            }
        }
        return null;
    }

    private static String line(EventNotification e) {
        Map<String, Object> m = e.metadata();
        List<String> labels = new ArrayList<>();
        Object reason = m.get("reason") != null ? m.get("reason") : m.get("state");
        if (reason != null) {
            labels.add(reason.toString());
        }
        for (String flag : List.of("implicit", "claimed", "recreated")) {
            if (Boolean.TRUE.equals(m.get(flag))) {
                labels.add(flag);
            }
        }
        StringBuilder line = new StringBuilder(e.eventType() + " " + e.severity() + " "
                + (labels.isEmpty() ? "-" : String.join(" ", labels)));
        return line.append(' ').append(e.agent().path()).append(' ').append(e.timestamp()).toString();
    }

    private static Path root() throws URISyntaxException {
        return Path.of(CoderGoldenTest.class.getResource("/coder-golden").toURI());
    }
}
