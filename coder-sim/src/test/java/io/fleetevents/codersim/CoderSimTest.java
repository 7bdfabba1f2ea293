package io.fleetevents.codersim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.codersim.fault.Fault;
import io.fleetevents.codersim.fault.FaultKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CoderSimTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<CoderSim> sims = new ArrayList<>();

    @AfterEach
    void closeSims() {
        sims.forEach(CoderSim::close);
    }

    private CoderSim start(CoderSimConfig config) {
        CoderSim sim = CoderSim.start(config);
        sims.add(sim);
        return sim;
    }

    private HttpResponse<String> get(CoderSim sim, String pathAndQuery, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sim.url() + pathAndQuery));
        if (token != null) {
            request.header("Coder-Session-Token", token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode workspaces(CoderSim sim, String query) throws Exception {
        HttpResponse<String> response = get(sim, "/api/v2/workspaces" + query, sim.token());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void shouldServeTheSameFleetForTheSameSeed() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
        CoderSim a = start(CoderSimConfig.builder().seed(7).idSeed(3).workspaces(200).scripted().clock(clock).build());
        CoderSim b = start(CoderSimConfig.builder().seed(7).idSeed(3).workspaces(200).scripted().clock(clock).build());

        a.step(20);
        b.step(20);

        assertThat(workspaces(a, "?limit=0")).isEqualTo(workspaces(b, "?limit=0"));
        assertThat(workspaces(a, "").path("count").asInt()).isBetween(180, 220);
    }

    @Test
    void shouldServeTheSameWorkspacesButNeverReissueABuildsUuidsWhenRestartedWithTheSameSeed() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC);
        CoderSim first = start(CoderSimConfig.builder().seed(7).workspaces(200).scripted().clock(clock).build());
        first.step(20);
        JsonNode before = workspaces(first, "?limit=0");
        first.close();
        CoderSim restarted = start(CoderSimConfig.builder().seed(7).workspaces(200).scripted().clock(clock).build());
        restarted.step(20);
        JsonNode after = workspaces(restarted, "?limit=0");

        assertThat(fields(after, "name")).isEqualTo(fields(before, "name"));
        assertThat(fields(after, "id")).isEqualTo(fields(before, "id"));
        Set<String> buildIdsBefore = buildCreatedIds(before);
        Set<String> buildIdsAfter = buildCreatedIds(after);
        assertThat(buildIdsBefore).hasSizeGreaterThan(600);
        assertThat(buildIdsAfter).hasSameSizeAs(buildIdsBefore).doesNotContainAnyElementsOf(buildIdsBefore);
    }

    /** One field of every workspace of a list, in order. */
    private static List<String> fields(JsonNode list, String field) {
        List<String> values = new ArrayList<>();
        list.path("workspaces").forEach(ws -> values.add(ws.path(field).asString()));
        return values;
    }

    /** Every {@code id} inside the workspaces' latest builds: builds, jobs, resources, agents, apps, app statuses. */
    private static Set<String> buildCreatedIds(JsonNode list) {
        Set<String> ids = new HashSet<>();
        list.path("workspaces").forEach(ws -> collectIds(ws.path("latest_build"), ids));
        return ids;
    }

    private static void collectIds(JsonNode node, Set<String> ids) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if ("id".equals(field.getKey()) && field.getValue().isString()) {
                    ids.add(field.getValue().asString());
                } else {
                    collectIds(field.getValue(), ids);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectIds(child, ids));
        }
    }

    @Test
    void shouldRejectMissingAndWrongSessionTokensWithCoderErrorBodies() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().scripted().build());

        HttpResponse<String> missing = get(sim, "/api/v2/workspaces", null);
        HttpResponse<String> wrong = get(sim, "/api/v2/workspaces", "nope");
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(sim.url() + "/api/v2/workspaces"))
                .header("Authorization", "Bearer " + sim.token()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(missing.body()).path("message").asString()).contains("coder_session_token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(bearer.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRenderNullsAndOmittedFieldsAsCoderDoes() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(0).scripted().build());
        sim.createWorkspace("alice", "fix-flaky-tests", "claude-code", true, false);
        sim.createWorkspace("bob", "broken", "devbox", false, false);
        sim.failBuild("bob/broken", "terraform apply failed");

        JsonNode list = workspaces(sim, "");
        JsonNode alice = list.path("workspaces").get(0);
        JsonNode bob = list.path("workspaces").get(1);
        JsonNode agents = alice.path("latest_build").path("resources").get(0).path("agents");

        assertThat(alice.path("name").asString()).isEqualTo("fix-flaky-tests");
        assertThat(alice.has("latest_app_status")).isTrue();
        assertThat(alice.path("latest_app_status").isNull()).isTrue();
        assertThat(alice.path("task_id").isNull()).isTrue();
        assertThat(alice.path("deleting_at").isNull()).isTrue();
        assertThat(agents).hasSize(2);
        assertThat(agents.get(0).path("parent_id").isNull()).isTrue();
        assertThat(agents.get(1).path("parent_id").asString()).isEqualTo(agents.get(0).path("id").asString());
        assertThat(agents.get(1).path("resource_id")).isEqualTo(agents.get(0).path("resource_id"));
        assertThat(agents.get(0).path("status").asString()).isEqualTo("connected");
        assertThat(agents.get(0).path("lifecycle_state").asString()).isEqualTo("ready");
        assertThat(agents.get(0).has("disconnected_at")).isFalse();
        assertThat(alice.path("latest_build").path("job").has("error")).isFalse();
        assertThat(alice.path("latest_build").path("resources").get(1).has("agents")).isFalse();
        assertThat(bob.path("latest_build").path("status").asString()).isEqualTo("failed");
        assertThat(bob.path("latest_build").path("job").path("error").asString()).isEqualTo("terraform apply failed");
        assertThat(bob.path("latest_build").path("resources")).isEmpty();
    }

    @Test
    void shouldTickLastConnectedAtEveryFifteenSecondsWhileConnected() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
        CoderSim sim = start(CoderSimConfig.builder().workspaces(0).scripted().clock(clock).build());
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        String first = agent(workspaces(sim, "")).path("last_connected_at").asString();

        clock.advance(Duration.ofSeconds(10));
        String tenSecondsLater = agent(workspaces(sim, "")).path("last_connected_at").asString();
        clock.advance(Duration.ofSeconds(10));
        String twentySecondsLater = agent(workspaces(sim, "")).path("last_connected_at").asString();
        Instant closedAt = clock.instant();
        sim.disconnectAgent("alice/ws.main");
        clock.advance(Duration.ofSeconds(60));
        JsonNode disconnected = agent(workspaces(sim, ""));

        assertThat(tenSecondsLater).isEqualTo(first);
        assertThat(Instant.parse(twentySecondsLater)).isEqualTo(Instant.parse(first).plusSeconds(15));
        assertThat(disconnected.path("status").asString()).isEqualTo("disconnected");
        assertThat(disconnected.path("last_connected_at").asString()).isEqualTo(twentySecondsLater);
        assertThat(Instant.parse(disconnected.path("disconnected_at").asString())).isEqualTo(closedAt);
        assertThat(disconnected.path("health").path("reason").asString()).isEqualTo("agent has lost connection");
    }

    @Test
    void shouldPageWithLimitAndOffsetAndCountAllMatches() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(95).scripted().build());

        Set<String> ids = new HashSet<>();
        int count = 0;
        for (int offset = 0; offset < 95; offset += 20) {
            JsonNode page = workspaces(sim, "?limit=20&offset=" + offset);
            count = page.path("count").asInt();
            page.path("workspaces").forEach(ws -> ids.add(ws.path("id").asString()));
        }
        HttpResponse<String> bad = get(sim, "/api/v2/workspaces?limit=-1", sim.token());

        assertThat(count).isEqualTo(95);
        assertThat(ids).hasSize(95);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("validations").get(0).path("field").asString()).isEqualTo("limit");
    }

    @Test
    void shouldAnswerInjectedFaultsForExactlyTheNextMatchingRequests() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(10).scripted().build());
        sim.inject(Fault.of(FaultKind.SERVER_ERROR, 2).on("/api/v2/workspaces"));
        sim.inject(Fault.rateLimited(1, Duration.ofSeconds(7)));
        sim.inject(Fault.of(FaultKind.GARBAGE, 1).fromOffset(5));

        int first = get(sim, "/api/v2/workspaces", sim.token()).statusCode();
        int second = get(sim, "/api/v2/workspaces", sim.token()).statusCode();
        HttpResponse<String> limited = get(sim, "/api/v2/workspaces", sim.token());
        int firstPage = get(sim, "/api/v2/workspaces?limit=5&offset=0", sim.token()).statusCode();
        HttpResponse<String> garbage = get(sim, "/api/v2/workspaces?limit=5&offset=5", sim.token());
        int recovered = get(sim, "/api/v2/workspaces", sim.token()).statusCode();

        assertThat(first).isEqualTo(500);
        assertThat(second).isEqualTo(500);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("7");
        assertThat(firstPage).isEqualTo(200);
        assertThat(garbage.statusCode()).isEqualTo(200);
        assertThat(garbage.body()).contains("<<<garbage>>>");
        assertThat(recovered).isEqualTo(200);
        assertThat(sim.pendingFaults()).isZero();
    }

    @Test
    void shouldDropTheConnectionWithoutAnswerForADisconnectFault() {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(1).scripted().build());
        sim.inject(Fault.of(FaultKind.DISCONNECT, 1));

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> get(sim, "/api/v2/workspaces", sim.token()));

        assertThat(failure).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void shouldListTasksAndAnswer404WhenTheTasksApiIsAbsent() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(0).scripted()
                .clock(new MutableClock(Instant.parse("2026-03-02T09:00:00Z"))).build());
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        sim.completeTask("alice/ws.main", "Opened PR #1");

        JsonNode tasks = JSON.readTree(get(sim, "/api/v2/tasks", sim.token()).body());
        sim.tasksApi(false);
        int absent = get(sim, "/api/v2/tasks", sim.token()).statusCode();

        assertThat(tasks.path("count").asInt()).isEqualTo(1);
        JsonNode task = tasks.path("tasks").get(0);
        assertThat(task.path("status").asString()).isEqualTo("active");
        assertThat(task.path("current_state").path("state").asString()).isEqualTo("complete");
        assertThat(task.path("workspace_agent_id").asString()).isEqualTo(sim.agentId("alice/ws.main").toString());
        assertThat(absent).isEqualTo(404);
    }

    @Test
    void shouldScriptTransitionsThroughTheHttpControlApi() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(0).scripted().build());
        sim.createWorkspace("alice", "ws", "claude-code", false, true);

        HttpResponse<String> disconnect = http.send(HttpRequest.newBuilder(
                URI.create(sim.url() + "/sim/agents/alice/ws.main/disconnect"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(
                URI.create(sim.url() + "/sim/agents/alice/nope.main/disconnect"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> fault = http.send(HttpRequest.newBuilder(URI.create(sim.url() + "/sim/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"server_error\",\"count\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(disconnect.statusCode()).isEqualTo(200);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(fault.statusCode()).isEqualTo(200);
        assertThat(get(sim, "/api/v2/workspaces", sim.token()).statusCode()).isEqualTo(500);
        assertThat(agent(workspaces(sim, "")).path("status").asString()).isEqualTo("disconnected");
    }

    @Test
    void shouldKeepAStaleLatestAppStatusAfterARebuild() throws Exception {
        CoderSim sim = start(CoderSimConfig.builder().workspaces(0).scripted().build());
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        sim.completeTask("alice/ws.main", "done");
        String oldAgent = sim.agentId("alice/ws.main").toString();

        sim.stopWorkspace("alice/ws");
        sim.startWorkspace("alice/ws");
        JsonNode ws = workspaces(sim, "").path("workspaces").get(0);

        assertThat(ws.path("latest_app_status").path("agent_id").asString()).isEqualTo(oldAgent);
        assertThat(ws.path("latest_build").path("build_number").asInt()).isEqualTo(3);
        assertThat(agent(workspaces(sim, "")).path("id").asString()).isNotEqualTo(oldAgent);
    }

    private static JsonNode agent(JsonNode list) {
        return list.path("workspaces").get(0).path("latest_build").path("resources").get(0).path("agents").get(0);
    }
}
