package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.EventHeaders;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test (at least) per row of DESIGN.md "Deriving events", through the real topology. */
class AgentEventsTopologyTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldEmitAgentConnectedWhenAnAgentIsFirstSeenConnected() {
        Snapshots.Builder alice = Snapshots.agent(ALICE).connected();

        harness.pipe(alice);

        List<EventNotification> events = harness.drainEvents();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_CONNECTED);
            assertThat(e.severity()).isEqualTo(EventSeverity.INFO);
            assertThat(e.agentId()).isEqualTo(alice.agentId());
            assertThat(e.agent().key()).isEqualTo(alice.key());
            assertThat(e.agent().path()).isEqualTo(ALICE);
            assertThat(e.agent().organization()).isEqualTo("coder");
            assertThat(e.agent().template()).isEqualTo("claude-code");
            assertThat(e.timestamp()).isEqualTo(T0.plusSeconds(90));
            assertThat(e.before()).isNull();
            assertThat(e.after()).containsEntry("status", "connected");
            assertThat(e.eventId()).isNotBlank();
        });
    }

    @Test
    void shouldEmitAgentConnectedWhenAConnectingAgentConnects() {
        harness.pipe(Snapshots.agent(ALICE).connecting().pollId(1));
        assertThat(harness.drainEvents()).isEmpty();

        harness.pipe(Snapshots.agent(ALICE).connected().pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_CONNECTED);
            assertThat(e.before()).containsEntry("status", "connecting");
        });
    }

    @Test
    void shouldEmitCriticalAgentFailureWhenConnectedAgentDisconnectsWhileTheStartBuildRunsAndDoesNotHeal() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.drainEvents();
        Instant lost = T0.plusSeconds(2000);

        harness.pipe(Snapshots.agent(ALICE).disconnectedAt(lost).pollId(2));
        harness.markerAt(2, lost.plusSeconds(44), Snapshots.keyOf(ALICE));
        assertThat(harness.drainEvents()).isEmpty();
        harness.markerAt(3, lost.plusSeconds(45), Snapshots.keyOf(ALICE));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.CRITICAL);
            assertThat(e.message()).isEqualTo("Agent disconnected unexpectedly");
            assertThat(e.timestamp()).isEqualTo(lost);
            assertThat(e.metadata()).containsKey("last_seen").containsEntry("reason", "connection_lost");
            assertThat(e.before()).containsEntry("status", "connected");
            assertThat(e.after()).containsEntry("status", "disconnected");
        });
    }

    @Test
    void shouldEmitCriticalAgentFailureWhenTheAgentTimesOutConnecting() {
        harness.pipe(Snapshots.agent(ALICE).connecting().pollId(1));

        harness.pipe(Snapshots.agent(ALICE).timeout().pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.CRITICAL);
            assertThat(e.message()).contains("taking too long to connect");
            assertThat(e.timestamp()).isEqualTo(T0.plusSeconds(60 + 120));
        });
    }

    @Test
    void shouldEmitCriticalAgentFailureForLifecycleErrors() {
        harness.pipe(Snapshots.agent(ALICE).lifecycle("starting").pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).lifecycle("start_error").pollId(2));
        harness.pipe(Snapshots.agent(ALICE).lifecycle("shutdown_error").pollId(3));

        assertThat(harness.drainEvents()).extracting(EventNotification::eventType, EventNotification::severity,
                        e -> e.metadata().get("reason"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, "start_error"),
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_FAILURE, EventSeverity.CRITICAL, "shutdown_error"));
    }

    @Test
    void shouldEmitWarningAgentFailureForLifecycleTimeouts() {
        harness.pipe(Snapshots.agent(ALICE).lifecycle("starting").pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).lifecycle("start_timeout").pollId(2));
        harness.pipe(Snapshots.agent(ALICE).lifecycle("shutdown_timeout").pollId(3));

        assertThat(harness.drainEvents()).extracting(EventNotification::eventType, EventNotification::severity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_FAILURE, EventSeverity.WARNING),
                        org.assertj.core.groups.Tuple.tuple(EventType.AGENT_FAILURE, EventSeverity.WARNING));
    }

    @Test
    void shouldEmitCriticalAgentFailureWithTheJobErrorWhenTheBuildFails() {
        harness.pipe(Snapshots.agent(ALICE).connecting().pollId(1));

        harness.pipe(Snapshots.agent(ALICE).connecting().buildFailed("terraform apply failed").pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.CRITICAL);
            assertThat(e.metadata()).containsEntry("error", "terraform apply failed");
            assertThat(e.after()).containsEntry("build_status", "failed");
        });
    }

    @Test
    void shouldEmitAgentDisconnectedWhenTheWorkspaceStops() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).stopped().pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_DISCONNECTED);
            assertThat(e.severity()).isEqualTo(EventSeverity.INFO);
            assertThat(e.metadata()).containsEntry("reason", "workspace_stopped");
        });
    }

    @Test
    void shouldEmitAgentDisconnectedWhenTheWorkspaceIsDeleted() {
        harness.pipe(Snapshots.agent(ALICE).connected().pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).transition("delete").jobStatus("running").disconnected().pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.AGENT_DISCONNECTED);
            assertThat(e.metadata()).containsEntry("reason", "workspace_deleted");
        });
    }

    @Test
    void shouldEmitTaskCompletionForANewFreshCompleteAppStatusAtItsCreationTime() {
        Instant done = T0.plusSeconds(1200);
        harness.pipe(Snapshots.agent(ALICE).appStatus("working", "on it", T0.plusSeconds(600)).pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).appStatus("working", "on it", T0.plusSeconds(600))
                .appStatus("complete", "Fixed 3 flaky tests", done).pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.TASK_COMPLETION);
            assertThat(e.severity()).isEqualTo(EventSeverity.INFO);
            assertThat(e.message()).isEqualTo("Fixed 3 flaky tests");
            assertThat(e.timestamp()).isEqualTo(done);
        });
    }

    @Test
    void shouldIgnoreAStaleAppStatusFromBeforeTheLatestStartBuild() {
        harness.pipe(Snapshots.agent(ALICE).buildNumber(2).connecting().pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).buildNumber(2).connecting()
                .appStatus("complete", "from the previous build", T0.plusSeconds(1200)).pollId(2));

        assertThat(harness.drainEvents()).isEmpty();
    }

    @Test
    void shouldEmitWarningTaskFailureForAFailureAppStatus() {
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).appStatus("failure", "tests still red", T0.plusSeconds(900)).pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.TASK_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.WARNING);
        });
    }

    @Test
    void shouldEmitCriticalTaskFailureWhenTheTaskStatusBecomesError() {
        harness.pipe(Snapshots.agent(ALICE).task("active", null, null, null).pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).task("error", null, null, null).pollId(2));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.TASK_FAILURE);
            assertThat(e.severity()).isEqualTo(EventSeverity.CRITICAL);
            assertThat(e.taskId()).isNotNull();
        });
    }

    @Test
    void shouldEmitTaskCompletionFromTheTaskCurrentStateOnceEvenWhenTheAppStatusReportsTheSameMoment() {
        Instant done = T0.plusSeconds(1500);
        harness.pipe(Snapshots.agent(ALICE).pollId(1));
        harness.drainEvents();

        harness.pipe(Snapshots.agent(ALICE).task("active", "complete", "done", done).pollId(2));
        harness.pipe(Snapshots.agent(ALICE).task("active", "complete", "done", done)
                .appStatus("complete", "done", done).pollId(3));

        assertThat(harness.drainEvents()).singleElement().satisfies(e -> {
            assertThat(e.eventType()).isEqualTo(EventType.TASK_COMPLETION);
            assertThat(e.taskId()).isNotNull();
        });
    }

    @Test
    void shouldCarryCloudEventsBinaryHeadersOnEveryEvent() {
        harness.pipe(Snapshots.agent(ALICE).connected());

        List<TestRecord<String, EventNotification>> records = harness.drainEventRecords();

        assertThat(records).singleElement().satisfies(r -> {
            EventNotification e = r.value();
            assertThat(r.key()).isEqualTo(e.agent().key());
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_ID)).isEqualTo(e.eventId());
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_TYPE)).isEqualTo("io.fleetevents.agent_connected");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_SOURCE)).isEqualTo("/coder/test");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_TIME)).isEqualTo(e.timestamp().toString());
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_SPECVERSION)).isEqualTo("1.0");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_SUBJECT)).isEqualTo(e.agent().key());
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.EVENT_TYPE)).isEqualTo("AGENT_CONNECTED");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.SEVERITY)).isEqualTo("INFO");
        });
    }
}
