package io.fleetevents.codersim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Coder behaviours a poller must survive, each read over HTTP from a real simulator on a hand-moved clock, with
 * the exact JSON a poller sees. The fleet is scripted only, so nothing moves unless a test moves it.
 */
class CoderBehaviourTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<CoderSim> sims = new ArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    @AfterEach
    void closeSims() {
        sims.forEach(CoderSim::close);
    }

    private CoderSim start(String coderVersion) {
        CoderSim sim = CoderSim.start(CoderSimConfig.builder().workspaces(0).scripted().clock(clock)
                .coderVersion(coderVersion).build());
        sims.add(sim);
        return sim;
    }

    private HttpResponse<String> get(CoderSim sim, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sim.url() + pathAndQuery))
                .header("Coder-Session-Token", sim.token()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(CoderSim sim, String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(sim, pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode control(CoderSim sim, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sim.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode workspace(CoderSim sim) throws Exception {
        return getJson(sim, "/api/v2/workspaces").path("workspaces").get(0);
    }

    private static JsonNode agents(JsonNode workspace) {
        return workspace.path("latest_build").path("resources").get(0).path("agents");
    }

    private JsonNode mainAgent(CoderSim sim) throws Exception {
        return agents(workspace(sim)).get(0);
    }

    private static List<String> states(JsonNode agent) {
        List<String> states = new ArrayList<>();
        agent.path("apps").get(0).path("statuses").forEach(s -> states.add(s.path("state").asString()));
        return states;
    }

    @Test
    void shouldReportCompleteThenAgentApiIdleTwoSecondsLaterOnTheLatestCoder() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        sim.reportAppStatus("alice/ws.main", "working", "Editing files");
        clock.advance(Duration.ofSeconds(30));
        String updatedBefore = workspace(sim).path("latest_build").path("updated_at").asString();

        sim.completeTask("alice/ws.main", "Opened PR #7");
        JsonNode justAfter = workspace(sim);
        clock.advance(Duration.ofMillis(1999));
        List<String> beforeIdle = states(mainAgent(sim));
        clock.advance(Duration.ofMillis(1));
        JsonNode afterIdle = workspace(sim);

        assertThat(states(agents(justAfter).get(0))).containsExactly("complete", "working");
        assertThat(justAfter.path("latest_app_status").path("state").asString()).isEqualTo("complete");
        assertThat(justAfter.path("latest_build").path("updated_at").asString()).isNotEqualTo(updatedBefore);
        assertThat(beforeIdle).containsExactly("complete", "working");
        assertThat(states(agents(afterIdle).get(0))).containsExactly("idle", "complete", "working");
        JsonNode idle = afterIdle.path("latest_app_status");
        assertThat(idle.path("state").asString()).isEqualTo("idle");
        assertThat(idle.path("message").asString()).isEqualTo("Opened PR #7");
        assertThat(Instant.parse(idle.path("created_at").asString())).isEqualTo(T0.plusSeconds(32));
    }

    @Test
    void shouldReportAFinishedTurnAsWorkingThenIdleOldestFirstOnCoder228() throws Exception {
        CoderSim sim = start("v2.28");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        sim.reportAppStatus("alice/ws.main", "working", "Editing files");
        clock.advance(Duration.ofSeconds(1));

        sim.completeTask("alice/ws.main", "Opened PR #7");
        clock.advance(Duration.ofSeconds(10));
        JsonNode ws = workspace(sim);

        assertThat(states(agents(ws).get(0))).containsExactly("working", "idle");
        assertThat(ws.path("latest_app_status").path("state").asString()).isEqualTo("idle");
    }

    @Test
    void shouldListTheWholeStatusHistoryNewestFirstBreakingTimestampTiesByIdDescending() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);

        for (int i = 0; i < 30; i++) {
            sim.reportAppStatus("alice/ws.main", i % 2 == 0 ? "working" : "idle", "step " + i);
            if (i % 3 == 2) {
                clock.advance(Duration.ofSeconds(1));
            }
        }
        JsonNode ws = workspace(sim);
        JsonNode statuses = agents(ws).get(0).path("apps").get(0).path("statuses");

        assertThat(statuses).hasSize(30);
        for (int i = 1; i < statuses.size(); i++) {
            JsonNode newer = statuses.get(i - 1);
            JsonNode older = statuses.get(i);
            int byTime = newer.path("created_at").asString().compareTo(older.path("created_at").asString());
            assertThat(byTime).isGreaterThanOrEqualTo(0);
            if (byTime == 0) {
                assertThat(newer.path("id").asString()).isGreaterThan(older.path("id").asString());
            }
        }
        assertThat(ws.path("latest_app_status").path("id")).isEqualTo(statuses.get(0).path("id"));
    }

    @Test
    void shouldKeepDisconnectedAtAfterAReconnectUntilTheFirstPingFifteenSecondsLater() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        clock.advance(Duration.ofSeconds(7));
        Instant closedAt = clock.instant();

        sim.disconnectAgent("alice/ws.main");
        JsonNode down = mainAgent(sim);
        clock.advance(Duration.ofSeconds(5));
        sim.connectAgent("alice/ws.main");
        JsonNode reconnected = mainAgent(sim);
        clock.advance(Duration.ofMillis(14_999));
        JsonNode beforePing = mainAgent(sim);
        clock.advance(Duration.ofMillis(1));
        JsonNode afterPing = mainAgent(sim);

        assertThat(down.path("status").asString()).isEqualTo("disconnected");
        assertThat(Instant.parse(down.path("disconnected_at").asString())).isEqualTo(closedAt);
        assertThat(reconnected.path("status").asString()).isEqualTo("connected");
        assertThat(Instant.parse(reconnected.path("disconnected_at").asString())).isEqualTo(closedAt);
        assertThat(Instant.parse(reconnected.path("last_connected_at").asString())).isEqualTo(closedAt.plusSeconds(5));
        assertThat(Instant.parse(beforePing.path("disconnected_at").asString())).isEqualTo(closedAt);
        assertThat(afterPing.has("disconnected_at")).isFalse();
        assertThat(Instant.parse(afterPing.path("last_connected_at").asString())).isEqualTo(closedAt.plusSeconds(20));
    }

    @Test
    void shouldKeepAKilledAgentConnectedUntilThirtySecondsWithoutAPingThenDisconnectedForGood() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        clock.advance(Duration.ofSeconds(16));
        Instant lastPing = Instant.parse(mainAgent(sim).path("last_connected_at").asString());

        control(sim, "/sim/agents/alice/ws.main/kill", "");
        JsonNode atDeath = mainAgent(sim);
        clock.advance(Duration.ofSeconds(30).minus(Duration.between(lastPing, clock.instant())));
        JsonNode atThirty = mainAgent(sim);
        clock.advance(Duration.ofMillis(1));
        JsonNode inactive = mainAgent(sim);
        clock.advance(Duration.ofMinutes(10));
        JsonNode later = mainAgent(sim);

        assertThat(atDeath.path("status").asString()).isEqualTo("connected");
        assertThat(atThirty.path("status").asString()).isEqualTo("connected");
        assertThat(inactive.path("status").asString()).isEqualTo("disconnected");
        assertThat(Instant.parse(inactive.path("disconnected_at").asString())).isEqualTo(lastPing);
        assertThat(later.path("status").asString()).isEqualTo("disconnected");
        assertThat(Instant.parse(later.path("disconnected_at").asString())).isEqualTo(lastPing.plusSeconds(45));
        assertThat(later.path("health").path("reason").asString()).isEqualTo("agent has lost connection");
    }

    @Test
    void shouldKeepReadyAtOnceTheAgentReportedStartErrorOrStartTimeout() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        sim.setLifecycle("alice/ws.main", "created");
        JsonNode readyAt = mainAgent(sim).path("ready_at");

        sim.setLifecycle("alice/ws.main", "start_error");
        JsonNode startError = mainAgent(sim);
        sim.setLifecycle("alice/ws.main", "start_timeout");
        JsonNode startTimeout = mainAgent(sim);

        assertThat(readyAt.isMissingNode()).isFalse();
        assertThat(startError.path("lifecycle_state").asString()).isEqualTo("start_error");
        assertThat(startError.path("ready_at")).isEqualTo(readyAt);
        assertThat(startTimeout.path("ready_at")).isEqualTo(readyAt);
    }

    @Test
    void shouldReportMatchedProvisionersOnlyWhileABuildIsPending() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        String oldAgent = sim.agentId("alice/ws.main").toString();
        JsonNode running = workspace(sim).path("latest_build");

        control(sim, "/sim/workspaces/alice/ws/begin-build", "{\"transition\":\"start\",\"queued\":true}");
        JsonNode pending = workspace(sim).path("latest_build");
        JsonNode oldAgentWhileQueued = getJson(sim, "/api/v2/workspaceagents/" + oldAgent);
        sim.finishBuild("alice/ws", true, null, true);
        JsonNode started = workspace(sim).path("latest_build");

        assertThat(running.path("matched_provisioners").path("count").asInt(-1)).isZero();
        assertThat(running.path("matched_provisioners").path("available").asInt(-1)).isZero();
        assertThat(pending.path("status").asString()).isEqualTo("pending");
        assertThat(pending.path("job").path("status").asString()).isEqualTo("pending");
        assertThat(pending.path("job").path("queue_position").asInt()).isEqualTo(1);
        assertThat(pending.path("matched_provisioners").path("count").asInt()).isEqualTo(2);
        assertThat(pending.path("matched_provisioners").path("available").asInt(-1)).isZero();
        assertThat(pending.path("resources")).isEmpty();
        assertThat(oldAgentWhileQueued.path("lifecycle_state").asString()).isEqualTo("ready");
        assertThat(started.path("status").asString()).isEqualTo("running");
        assertThat(started.path("matched_provisioners").path("count").asInt(-1)).isZero();
    }

    @Test
    void shouldHideTheOldAgentsAtOnceAndAnswerThemByUuidThroughTheirShutdown() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        String oldAgent = sim.agentId("alice/ws.main").toString();

        control(sim, "/sim/workspaces/alice/ws/begin-build", "{\"transition\":\"stop\",\"shutdown\":\"shutdown_error\"}");
        JsonNode stopping = workspace(sim);
        JsonNode shuttingDown = getJson(sim, "/api/v2/workspaceagents/" + oldAgent);
        clock.advance(Duration.ofSeconds(20));
        control(sim, "/sim/workspaces/alice/ws/finish-build", "{\"result\":\"succeeded\"}");
        JsonNode stopped = workspace(sim);
        JsonNode afterStop = getJson(sim, "/api/v2/workspaceagents/" + oldAgent);

        JsonNode build = stopping.path("latest_build");
        assertThat(build.path("status").asString()).isEqualTo("stopping");
        assertThat(build.path("transition").asString()).isEqualTo("stop");
        assertThat(build.path("job").path("status").asString()).isEqualTo("running");
        assertThat(build.path("build_number").asInt()).isEqualTo(2);
        assertThat(build.path("initiator_name").asString()).isEqualTo("alice");
        assertThat(build.path("resources")).isEmpty();
        assertThat(shuttingDown.path("id").asString()).isEqualTo(oldAgent);
        assertThat(shuttingDown.path("lifecycle_state").asString()).isEqualTo("shutting_down");
        assertThat(shuttingDown.path("status").asString()).isEqualTo("connected");
        assertThat(stopped.path("latest_build").path("status").asString()).isEqualTo("stopped");
        assertThat(stopped.path("latest_build").path("resources").get(0).has("agents")).isFalse();
        assertThat(afterStop.path("lifecycle_state").asString()).isEqualTo("shutdown_error");
        assertThat(afterStop.path("status").asString()).isEqualTo("disconnected");
        assertThat(get(sim, "/api/v2/workspaceagents/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldDropADeletedWorkspaceFromTheListAndAnswerItOnlyWithIncludeDeleted() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, false);
        String id = sim.workspaceId("alice/ws").toString();

        sim.beginBuild("alice/ws", "delete", "off");
        JsonNode deleting = getJson(sim, "/api/v2/workspaces");
        sim.finishBuild("alice/ws", true, null, false);
        JsonNode afterDelete = getJson(sim, "/api/v2/workspaces");
        HttpResponse<String> gone = get(sim, "/api/v2/workspaces/" + id);
        JsonNode included = getJson(sim, "/api/v2/workspaces/" + id + "?include_deleted=true");

        assertThat(deleting.path("count").asInt()).isEqualTo(1);
        assertThat(deleting.path("workspaces").get(0).path("latest_build").path("status").asString())
                .isEqualTo("deleting");
        assertThat(afterDelete.path("count").asInt()).isZero();
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(JSON.readTree(gone.body()).path("message").asString()).contains("include_deleted=true");
        assertThat(included.path("id").asString()).isEqualTo(id);
        assertThat(included.path("latest_build").path("transition").asString()).isEqualTo("delete");
        assertThat(included.path("latest_build").path("status").asString()).isEqualTo("deleted");
    }

    @Test
    void shouldServeTheGaTasksListFromCoder229AndNoExperimentalOne() throws Exception {
        CoderSim sim = start("v2.29");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);

        JsonNode tasks = getJson(sim, "/api/v2/tasks");
        int experimental = get(sim, "/api/experimental/tasks").statusCode();

        assertThat(tasks.path("count").asInt()).isEqualTo(1);
        assertThat(tasks.path("tasks").get(0).path("status").asString()).isEqualTo("active");
        assertThat(tasks.path("tasks").get(0).path("workspace_status").asString()).isEqualTo("running");
        assertThat(experimental).isEqualTo(404);
        assertThat(getJson(sim, "/api/v2/buildinfo").path("version").asString()).startsWith("v2.29.");
    }

    @Test
    void shouldServeTheExperimentalTasksShapeOnCoder228ListingOnlyTheCallersTasksForAnEmptyQuery() throws Exception {
        CoderSim sim = start("v2.28");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);
        sim.reportAppStatus("alice/ws.main", "working", "Reading the codebase");

        JsonNode mine = getJson(sim, "/api/experimental/tasks");
        JsonNode alices = getJson(sim, "/api/experimental/tasks?q=owner:alice");
        int ga = get(sim, "/api/v2/tasks").statusCode();

        assertThat(mine.path("count").asInt()).isZero();
        assertThat(alices.path("count").asInt()).isEqualTo(1);
        JsonNode task = alices.path("tasks").get(0);
        assertThat(task.path("id").asString()).isEqualTo(sim.workspaceId("alice/ws").toString());
        assertThat(task.path("status").asString()).isEqualTo("running");
        assertThat(task.path("prompt").asString()).isNotEmpty();
        assertThat(task.has("workspace_status")).isFalse();
        assertThat(task.has("workspace_app_id")).isFalse();
        assertThat(task.path("current_state").path("state").asString()).isEqualTo("working");
        assertThat(ga).isEqualTo(404);
    }

    @Test
    void shouldAnswer404OnBothTasksPathsOnCoderMainWhereTasksWereRemoved() throws Exception {
        CoderSim sim = start("main");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);

        assertThat(get(sim, "/api/v2/tasks").statusCode()).isEqualTo(404);
        assertThat(get(sim, "/api/experimental/tasks").statusCode()).isEqualTo(404);
        assertThat(workspace(sim).has("task_id")).isFalse();
    }

    @Test
    void shouldAnswer500FromTheTasksApiForTheFailedDurationOrUntilRecovered() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", false, true);

        control(sim, "/sim/tasks-api/fail", "{\"seconds\":30}");
        int during = get(sim, "/api/v2/tasks").statusCode();
        int workspacesDuring = get(sim, "/api/v2/workspaces").statusCode();
        clock.advance(Duration.ofSeconds(30));
        int after = get(sim, "/api/v2/tasks").statusCode();
        control(sim, "/sim/tasks-api/fail", "{}");
        clock.advance(Duration.ofHours(1));
        int untilCleared = get(sim, "/api/v2/tasks").statusCode();
        http.send(HttpRequest.newBuilder(URI.create(sim.url() + "/sim/tasks-api/fail")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        int recovered = get(sim, "/api/v2/tasks").statusCode();

        assertThat(during).isEqualTo(500);
        assertThat(workspacesDuring).isEqualTo(200);
        assertThat(after).isEqualTo(200);
        assertThat(untilCleared).isEqualTo(500);
        assertThat(recovered).isEqualTo(200);
    }

    @Test
    void shouldOwnAPrebuiltWorkspaceByThePrebuildsUserUntilAClaimChangesOwnerAndNameAndRunsAStartBuild()
            throws Exception {
        CoderSim sim = start("latest");
        JsonNode created = control(sim, "/sim/prebuilds", "{\"template\":\"claude-code\",\"count\":1}");
        String prebuildPath = created.path("workspaces").get(0).asString();
        JsonNode prebuild = workspace(sim);
        String prebuildAgent = agents(prebuild).get(0).path("id").asString();
        clock.advance(Duration.ofSeconds(5));

        JsonNode claim = control(sim, "/sim/prebuilds/claim",
                "{\"template\":\"claude-code\",\"owner\":\"alice\",\"name\":\"fix-bug\",\"task\":true}");
        JsonNode claimed = workspace(sim);

        assertThat(prebuildPath).startsWith("prebuilds/");
        assertThat(prebuild.path("is_prebuild").asBoolean()).isTrue();
        assertThat(prebuild.path("owner_name").asString()).isEqualTo("prebuilds");
        assertThat(prebuild.path("owner_id").asString()).isEqualTo("c42fdf75-3097-471c-8c33-fb52454d81c0");
        assertThat(claim.path("workspace").asString()).isEqualTo("alice/fix-bug");
        assertThat(claimed.path("id")).isEqualTo(prebuild.path("id"));
        assertThat(claimed.path("is_prebuild").asBoolean()).isFalse();
        assertThat(claimed.path("owner_name").asString()).isEqualTo("alice");
        assertThat(claimed.path("name").asString()).isEqualTo("fix-bug");
        assertThat(claimed.path("latest_build").path("build_number").asInt())
                .isEqualTo(prebuild.path("latest_build").path("build_number").asInt() + 1);
        assertThat(claimed.path("latest_build").path("transition").asString()).isEqualTo("start");
        assertThat(claimed.path("latest_build").path("initiator_name").asString()).isEqualTo("alice");
        assertThat(agents(claimed).get(0).path("id").asString()).isNotEqualTo(prebuildAgent);
        assertThat(agents(claimed).get(0).path("status").asString()).isEqualTo("connected");
    }

    @Test
    void shouldRecreateADevcontainerSubAgentWithANewUuidUnderTheSameParentAfterAGap() throws Exception {
        CoderSim sim = start("latest");
        sim.createWorkspace("alice", "ws", "claude-code", true, false);
        JsonNode before = agents(workspace(sim));

        JsonNode recreated = control(sim, "/sim/agents/alice/ws.devcontainer/recreate", "{\"gap_seconds\":5}");
        JsonNode during = agents(workspace(sim));
        clock.advance(Duration.ofSeconds(5));
        JsonNode after = agents(workspace(sim));

        assertThat(before).hasSize(2);
        assertThat(during).hasSize(1);
        assertThat(during.get(0).path("name").asString()).isEqualTo("main");
        assertThat(after).hasSize(2);
        JsonNode fresh = after.get(1);
        assertThat(fresh.path("name").asString()).isEqualTo("devcontainer");
        assertThat(fresh.path("id").asString()).isEqualTo(recreated.path("agent_id").asString())
                .isNotEqualTo(before.get(1).path("id").asString());
        assertThat(fresh.path("parent_id")).isEqualTo(before.get(1).path("parent_id"));
        assertThat(fresh.path("status").asString()).isEqualTo("connected");
    }

    @Test
    void shouldDisconnectEveryAgentForTwoToTwelveSecondsDuringACoderdRollingRestart() throws Exception {
        CoderSim sim = start("latest");
        for (int i = 0; i < 6; i++) {
            sim.createWorkspace("alice", "ws-" + i, "claude-code", false, false);
        }

        JsonNode restart = control(sim, "/sim/coderd-restart",
                "{\"spread_seconds\":10,\"min_down_seconds\":2,\"max_down_seconds\":12}");
        Set<String> seenDown = new HashSet<>();
        Set<String> seenReconnectedWithDisconnectedAt = new HashSet<>();
        for (int second = 0; second <= 30; second++) {
            for (JsonNode ws : getJson(sim, "/api/v2/workspaces").path("workspaces")) {
                JsonNode agent = agents(ws).get(0);
                if ("disconnected".equals(agent.path("status").asString())) {
                    seenDown.add(agent.path("id").asString());
                } else if (agent.has("disconnected_at")) {
                    seenReconnectedWithDisconnectedAt.add(agent.path("id").asString());
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofSeconds(15));
        JsonNode settled = getJson(sim, "/api/v2/workspaces");

        assertThat(restart.path("agents").asInt()).isEqualTo(6);
        assertThat(seenDown).hasSize(6);
        assertThat(seenReconnectedWithDisconnectedAt).hasSize(6);
        settled.path("workspaces").forEach(ws -> {
            assertThat(agents(ws).get(0).path("status").asString()).isEqualTo("connected");
            assertThat(agents(ws).get(0).has("disconnected_at")).isFalse();
        });
    }

    @Test
    void shouldRejectAnUnknownCoderVersionNamingTheKey() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                () -> CoderSimConfig.builder().coderVersion("v3.1"));

        assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coder-version");
    }
}
