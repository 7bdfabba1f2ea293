package io.fleetevents.poller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.poller.coder.CoderProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class WorkspaceSplitterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WS_ID = "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23";

    private static ObjectNode example;

    /** A fresh copy of coder-api.md §13.1's workspace. */
    static synchronized ObjectNode exampleWorkspace() throws IOException {
        if (example == null) {
            try (InputStream in = WorkspaceSplitterTest.class.getResourceAsStream("/coder/workspaces-example.json")) {
                example = (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .path("workspaces").get(0);
            }
        }
        return example.deepCopy();
    }

    static ObjectNode exampleTask() throws IOException {
        try (InputStream in = WorkspaceSplitterTest.class.getResourceAsStream("/coder/task-example.json")) {
            return (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static ArrayNode agents(ObjectNode ws) {
        return (ArrayNode) ws.path("latest_build").path("resources").get(0).path("agents");
    }

    private static ObjectNode subAgentOf(ObjectNode main) {
        ObjectNode sub = main.deepCopy();
        sub.put("id", "dd44ee55-ff66-4a77-8b88-99aabbccdd00");
        sub.put("parent_id", main.path("id").asString());
        sub.put("name", "devcontainer");
        sub.putArray("apps");
        return sub;
    }

    @Test
    void shouldMakeOneObservationPerAgentKeyedByWorkspaceIdAndAgentName() throws IOException {
        ObjectNode ws = exampleWorkspace();
        agents(ws).add(subAgentOf((ObjectNode) agents(ws).get(0)));

        List<AgentObservation> observations = WorkspaceSplitter.split(ws, Map.of());

        assertThat(observations).extracting(AgentObservation::key)
                .containsExactly(WS_ID + "/main", WS_ID + "/devcontainer");
        assertThat(observations.get(1).agent().path("parent_id").asString())
                .isEqualTo(observations.get(0).agent().path("id").asString());
        assertThat(observations.get(0).workspace().path("latest_build").path("resources").get(0).path("agents"))
                .isEmpty();
        assertThat(observations.get(0).workspace().path("latest_build").path("resources").get(0).path("type")
                .asString()).isEqualTo("kubernetes_deployment");
    }

    @Test
    void shouldReportAWorkspaceWithoutAgentsAsOneAgentlessObservation() throws IOException {
        ObjectNode ws = exampleWorkspace();
        ((ObjectNode) ws.path("latest_build")).put("status", "failed");
        ((ObjectNode) ws.path("latest_build")).putArray("resources");

        List<AgentObservation> observations = WorkspaceSplitter.split(ws, Map.of());

        assertThat(observations).singleElement().satisfies(o -> {
            assertThat(o.key()).isEqualTo(WS_ID + "/");
            assertThat(o.agent()).isNull();
        });
    }

    @Test
    void shouldNullALatestAppStatusThatIsNotNewerThanTheLatestStartBuild() throws IOException {
        ObjectNode stale = exampleWorkspace();
        ((ObjectNode) stale.path("latest_app_status")).put("created_at", "2026-03-02T08:01:12.400Z");
        ObjectNode fresh = exampleWorkspace();
        ObjectNode stopped = exampleWorkspace();
        ((ObjectNode) stopped.path("latest_build")).put("transition", "stop");
        ((ObjectNode) stopped.path("latest_app_status")).put("created_at", "2026-03-01T00:00:00Z");

        AgentObservation staleObs = WorkspaceSplitter.split(stale, Map.of()).get(0);
        AgentObservation freshObs = WorkspaceSplitter.split(fresh, Map.of()).get(0);
        AgentObservation stoppedObs = WorkspaceSplitter.split(stopped, Map.of()).get(0);

        assertThat(staleObs.workspace().get("latest_app_status").isNull()).isTrue();
        assertThat(freshObs.workspace().path("latest_app_status").path("state").asString()).isEqualTo("complete");
        assertThat(stoppedObs.workspace().path("latest_app_status").isObject()).isTrue();
    }

    @Test
    void shouldCompareTheStatusAndBuildTimesAsInstantsWhateverTheirOffsetAndIgnoreUnreadableTimes() {
        ObjectNode build = JsonNodeFactory.instance.objectNode().put("transition", "start")
                .put("created_at", "2026-03-02T08:01:12.5Z");
        ObjectNode status = JsonNodeFactory.instance.objectNode();

        status.put("created_at", "2026-03-02T10:01:12.4+02:00"); // 08:01:12.4Z: before the build
        assertThat(WorkspaceSplitter.isStale(status, build)).isTrue();
        status.put("created_at", "2026-03-02T08:01:12.500000Z"); // the same instant: not newer, so stale
        assertThat(WorkspaceSplitter.isStale(status, build)).isTrue();
        status.put("created_at", "2026-03-02T08:01:12.500001Z");
        assertThat(WorkspaceSplitter.isStale(status, build)).isFalse();
        status.put("created_at", "2026-02-30T08:00:00Z"); // no such day: not a time, so never stale
        assertThat(WorkspaceSplitter.isStale(status, build)).isFalse();
        status.put("created_at", "yesterday");
        assertThat(WorkspaceSplitter.isStale(status, build)).isFalse();
    }

    @Test
    void shouldAttachTheTaskToTheAgentItNamesOnly() throws IOException {
        ObjectNode ws = exampleWorkspace();
        ObjectNode main = (ObjectNode) agents(ws).get(0);
        agents(ws).insert(0, subAgentOf(main));
        ObjectNode task = exampleTask();

        List<AgentObservation> observations = WorkspaceSplitter.split(ws, Map.of(WS_ID, task));

        assertThat(observations).filteredOn(o -> o.task() != null).singleElement()
                .satisfies(o -> assertThat(o.key()).isEqualTo(WS_ID + "/main"));
    }

    @Test
    void shouldAttachTheTaskToTheAgentlessObservationWhenThereIsNoAgent() throws IOException {
        ObjectNode ws = exampleWorkspace();
        ((ObjectNode) ws.path("latest_build")).putArray("resources");

        List<AgentObservation> observations = WorkspaceSplitter.split(ws, Map.of(WS_ID, exampleTask()));

        assertThat(observations.get(0).task()).isNotNull();
    }

    @Test
    void shouldRejectAWorkspaceWithoutIdOrWithDuplicateAgentNames() throws IOException {
        ObjectNode noId = exampleWorkspace();
        noId.remove("id");
        ObjectNode duplicate = exampleWorkspace();
        agents(duplicate).add(agents(duplicate).get(0).deepCopy());

        assertThatThrownBy(() -> WorkspaceSplitter.split(noId, Map.of())).isInstanceOf(CoderProtocolException.class);
        assertThatThrownBy(() -> WorkspaceSplitter.split(duplicate, Map.of()))
                .isInstanceOf(CoderProtocolException.class).hasMessageContaining("duplicate");
    }

    @Test
    void shouldToleratePreSubAgentCoderWithoutParentIdAndOmittedOptionals() throws IOException {
        ObjectNode ws = exampleWorkspace();
        ObjectNode agent = (ObjectNode) agents(ws).get(0);
        agent.remove(List.of("parent_id", "first_connected_at", "last_connected_at", "ready_at", "latency"));
        ws.remove(List.of("task_id", "latest_app_status", "ttl_ms"));

        List<AgentObservation> observations = WorkspaceSplitter.split(ws, Map.of());

        assertThat(observations).singleElement().satisfies(o -> assertThat(o.key()).isEqualTo(WS_ID + "/main"));
    }

    @Test
    void shouldDropStaleAppStatusesAndKeepTheNewestInCodersOrder() {
        java.time.Instant t0 = io.fleetevents.testing.Snapshots.T0;
        io.fleetevents.schemas.AgentSnapshot snapshot = io.fleetevents.testing.Snapshots.agent("alice/ws.main").appStatuses(
                io.fleetevents.testing.Snapshots.appStatus("s4", "idle", "", t0.plusSeconds(400), null),
                io.fleetevents.testing.Snapshots.appStatus("s3", "complete", "done", t0.plusSeconds(300), null),
                io.fleetevents.testing.Snapshots.appStatus("s2", "working", "on it", t0.plusSeconds(200), null),
                io.fleetevents.testing.Snapshots.appStatus("s1", "working", "start", t0.plusSeconds(100), null),
                io.fleetevents.testing.Snapshots.appStatus("s0", "complete", "previous build", t0.minusSeconds(10), null))
                .build();
        ObjectNode ws = (ObjectNode) snapshot.workspace().node().deepCopy();
        ((ObjectNode) ws.at("/latest_build/resources/0")).withArray("agents").add(snapshot.agent().node().deepCopy());

        List<AgentObservation> bounded = WorkspaceSplitter.split(ws.deepCopy(), Map.of(), false, 3);
        List<AgentObservation> unbounded = WorkspaceSplitter.split(ws.deepCopy(), Map.of(), false, 50);

        assertThat(bounded.get(0).agent().at("/apps/0/statuses").valueStream().map(s -> s.get("id").asString()))
                .containsExactly("s4", "s3", "s2");
        assertThat(unbounded.get(0).agent().at("/apps/0/statuses").valueStream().map(s -> s.get("id").asString()))
                .containsExactly("s4", "s3", "s2", "s1");
    }
}
