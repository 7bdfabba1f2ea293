package io.fleetevents.poller.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.poller.snapshot.ChangeDetector.Decision;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ChangeDetectionTest {

    private final TickingFields ticking = new TickingFields(TickingFields.DEFAULTS);
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private static AgentObservation observe(ObjectNode ws) {
        return WorkspaceSplitter.split(ws, Map.of()).get(0);
    }

    private static ObjectNode agentOf(ObjectNode ws) {
        return (ObjectNode) ws.path("latest_build").path("resources").get(0).path("agents").get(0);
    }

    @Test
    void shouldIgnoreCodersTickingFields() throws IOException {
        ObjectNode before = WorkspaceSplitterTest.exampleWorkspace();
        ObjectNode after = WorkspaceSplitterTest.exampleWorkspace();
        agentOf(after).put("last_connected_at", "2026-03-02T09:15:00.003Z");
        agentOf(after).put("updated_at", "2026-03-02T09:15:00.003Z");
        agentOf(after).putObject("latency").putObject("Frankfurt").put("latency_ms", 12.5);
        after.put("last_used_at", "2026-03-02T09:15:00Z");

        assertThat(Fingerprint.of(observe(after), ticking)).isEqualTo(Fingerprint.of(observe(before), ticking));
    }

    @Test
    void shouldIgnoreAnActivityBumpOfTheLatestBuildsUpdatedAt() throws IOException {
        ObjectNode before = WorkspaceSplitterTest.exampleWorkspace();
        ObjectNode bumped = WorkspaceSplitterTest.exampleWorkspace();
        ((ObjectNode) bumped.path("latest_build")).put("updated_at", "2026-03-02T10:15:00.003Z");

        assertThat(Fingerprint.of(observe(bumped), ticking)).isEqualTo(Fingerprint.of(observe(before), ticking));
    }

    @Test
    void shouldTellAnUnknownTaskFromNoTaskAndFromAKnownTask() throws IOException {
        String wsId = "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23";
        long none = Fingerprint.of(observe(WorkspaceSplitterTest.exampleWorkspace()), ticking);
        long known = Fingerprint.of(WorkspaceSplitter.split(WorkspaceSplitterTest.exampleWorkspace(),
                Map.of(wsId, WorkspaceSplitterTest.exampleTask())).get(0), ticking);
        AgentObservation unknown = WorkspaceSplitter.split(WorkspaceSplitterTest.exampleWorkspace(),
                Map.of(wsId, WorkspaceSplitterTest.exampleTask()), true).get(0);

        assertThat(unknown.taskUnknown()).isTrue();
        assertThat(unknown.task()).isNull();
        assertThat(Fingerprint.of(unknown, ticking)).isNotIn(none, known);
    }

    @Test
    void shouldIgnoreTickingFieldsInsideArraysButNotTheirSiblings() throws IOException {
        ObjectNode before = WorkspaceSplitterTest.exampleWorkspace();
        agentOf(before).putArray("metadata").addObject().put("description", "cpu").putObject("result")
                .put("value", "12%");
        ObjectNode reading = WorkspaceSplitterTest.exampleWorkspace();
        agentOf(reading).putArray("metadata").addObject().put("description", "cpu").putObject("result")
                .put("value", "87%");
        ObjectNode renamed = WorkspaceSplitterTest.exampleWorkspace();
        agentOf(renamed).putArray("metadata").addObject().put("description", "ram").putObject("result")
                .put("value", "12%");

        long base = Fingerprint.of(observe(before), ticking);

        assertThat(Fingerprint.of(observe(reading), ticking)).isEqualTo(base);
        assertThat(Fingerprint.of(observe(renamed), ticking)).isNotEqualTo(base);
    }

    @Test
    void shouldSeeEveryOtherChangeInAgentWorkspaceOrTask() throws IOException {
        long base = Fingerprint.of(observe(WorkspaceSplitterTest.exampleWorkspace()), ticking);
        ObjectNode status = WorkspaceSplitterTest.exampleWorkspace();
        agentOf(status).put("status", "disconnected");
        ObjectNode build = WorkspaceSplitterTest.exampleWorkspace();
        ((ObjectNode) build.path("latest_build")).put("status", "failed");
        ObjectNode app = WorkspaceSplitterTest.exampleWorkspace();
        ((ObjectNode) agentOf(app).path("apps").get(0)).put("health", "unhealthy");
        ObjectNode withTask = WorkspaceSplitterTest.exampleWorkspace();
        AgentObservation taskObs = WorkspaceSplitter.split(withTask,
                Map.of("3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23", WorkspaceSplitterTest.exampleTask())).get(0);

        assertThat(List.of(Fingerprint.of(observe(status), ticking), Fingerprint.of(observe(build), ticking),
                Fingerprint.of(observe(app), ticking), Fingerprint.of(taskObs, ticking))).doesNotContain(base);
    }

    @Test
    void shouldTellApartRandomSmallEditsOfTheSameWorkspace() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long base = Fingerprint.of(observe(WorkspaceSplitterTest.exampleWorkspace()), ticking);
        for (int i = 0; i < 200; i++) {
            ObjectNode ws = WorkspaceSplitterTest.exampleWorkspace();
            agentOf(ws).put("logs_overflowed", random.nextBoolean() ? "x" + random.nextInt(1000) : "");
            assertThat(Fingerprint.of(observe(ws), ticking)).as("seed %d iteration %d", seed, i).isNotEqualTo(base);
        }
    }

    @Test
    void shouldWriteNewChangedAndDueKeysOnlyAndForgetVanishedOnes() {
        ChangeDetector detector = new ChangeDetector(Duration.ofMinutes(5));

        Decision first = detector.decide("w/main", 1, T0);
        detector.written("w/main", 1, first, T0);
        Decision same = detector.decide("w/main", 1, T0.plusSeconds(5));
        Decision changed = detector.decide("w/main", 2, T0.plusSeconds(5));
        Decision due = detector.decide("w/main", 1, T0.plus(Duration.ofMinutes(5)));
        detector.retainOnly(Set.of("other/"));
        Decision afterVanishing = detector.decide("w/main", 1, T0.plusSeconds(10));

        assertThat(first).isEqualTo(Decision.NEW);
        assertThat(same).isEqualTo(Decision.UNCHANGED);
        assertThat(changed).isEqualTo(Decision.CHANGED);
        assertThat(due).isEqualTo(Decision.REFRESH);
        assertThat(afterVanishing).isEqualTo(Decision.NEW);
    }

    @Test
    void shouldSpreadFirstRefreshesOverTheSecondHalfOfTheInterval() {
        ChangeDetector detector = new ChangeDetector(Duration.ofMinutes(5));
        for (int i = 0; i < 1000; i++) {
            detector.written("ws-" + i + "/main", 1, Decision.NEW, T0);
        }

        long dueAfterFourMinutes = java.util.stream.IntStream.range(0, 1000)
                .filter(i -> detector.decide("ws-" + i + "/main", 1, T0.plus(Duration.ofMinutes(4))).write()).count();

        assertThat(dueAfterFourMinutes).isBetween(450L, 750L);
    }

    @Test
    void shouldScheduleFirstRefreshesAtTheInstantsDurationArithmeticGives() {
        for (Duration interval : List.of(Duration.ofMinutes(5), Duration.ofMillis(1), Duration.ofNanos(1_999),
                Duration.ofSeconds(7, 123_456_789), Duration.ofDays(365 * 200))) {
            ChangeDetector detector = new ChangeDetector(interval);
            for (int i = 0; i < 2000; i++) {
                String key = "ws-" + i + "/main";
                Duration spread = interval.dividedBy(2).multipliedBy(Math.floorMod(key.hashCode(), 1000))
                        .dividedBy(1000);
                Instant expected = T0.plus(interval.dividedBy(2)).plus(spread);

                detector.written(key, 1, Decision.NEW, T0);

                assertThat(detector.decide(key, 1, expected.minusNanos(1))).as("%s %s", interval, key)
                        .isEqualTo(Decision.UNCHANGED);
                assertThat(detector.decide(key, 1, expected)).as("%s %s", interval, key).isEqualTo(Decision.REFRESH);
            }
        }
    }

    @Test
    void shouldRejectTickingFieldsOutsideAgentWorkspaceOrTask() {
        assertThatThrownBy(() -> new TickingFields(List.of("build.updated_at")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("build.updated_at");
    }
}
