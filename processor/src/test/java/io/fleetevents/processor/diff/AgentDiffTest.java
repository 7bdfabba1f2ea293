package io.fleetevents.processor.diff;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.snapshot.AgentObservation;
import io.fleetevents.processor.snapshot.MarkerObservation;
import io.fleetevents.processor.snapshot.ParsedSnapshot;
import io.fleetevents.processor.snapshot.SnapshotReader;
import io.fleetevents.processor.topology.SnapshotJson;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rulebook of DESIGN.md "Deriving events", one row per rule: what was seen before ({@code given}), what is
 * seen now ({@code when}), and the events that must follow, each written {@code TYPE SEVERITY [reason] [flags]}.
 * Rows run the pure {@link AgentDiff} the way the {@code agent-diff} processor does (a state per key, markers over
 * every state), without Kafka. Each row's name is the rule it pins.
 */
class AgentDiffTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";
    private static final String DEV = "alice/fix-flaky-tests.devcontainer";
    private static final String KEY = Snapshots.keyOf(ALICE);
    private static final String DEV_KEY = Snapshots.keyOf(DEV);
    private static final DiffPolicy DEFAULTS = DiffPolicy.defaults();
    private static final DiffPolicy NO_IMPLICIT = new DiffPolicy(false, null);

    static Stream<Row> rulebook() {
        return Stream.of(
                // ---- connection
                row("agent first seen connected -> AGENT_CONNECTED INFO",
                        given(), when(snap(alice(1).connected())), expect("AGENT_CONNECTED INFO")),
                row("connecting -> connected -> AGENT_CONNECTED INFO",
                        given(snap(alice(1).connecting())), when(snap(alice(2).connected())),
                        expect("AGENT_CONNECTED INFO")),
                row("connected -> disconnected while the start build runs: nothing until the grace is over",
                        given(snap(alice(1))), when(snap(lost(2, 100, 105)), marker(2, 144, KEY)), expect()),
                row("connected -> disconnected while the start build runs, not healed within the grace -> "
                                + "AGENT_FAILURE CRITICAL at the first marker past disconnected_at + grace",
                        given(snap(alice(1)), snap(lost(2, 100, 105))), when(marker(2, 145, KEY)),
                        expect("AGENT_FAILURE CRITICAL connection_lost")),
                row("a disconnect that heals within the grace -> no event at all (neither failure nor connected)",
                        given(snap(alice(1)), snap(lost(2, 100, 105))),
                        when(snap(alice(3).observedAt(T0.plusSeconds(120))), marker(3, 400, KEY)), expect()),
                row("a disconnect whose disconnected_at is already past the grace when seen -> AGENT_FAILURE at once",
                        given(snap(alice(1))), when(snap(lost(2, 100, 300))),
                        expect("AGENT_FAILURE CRITICAL connection_lost")),
                row("a reconnect seen after the grace ran out unreported -> AGENT_FAILURE, then AGENT_CONNECTED",
                        given(snap(alice(1)), snap(lost(2, 100, 105))),
                        when(snap(alice(3).observedAt(T0.plusSeconds(300)))),
                        expect("AGENT_FAILURE CRITICAL connection_lost", "AGENT_CONNECTED INFO")),
                row("reconnect after a reported failure -> AGENT_CONNECTED INFO",
                        given(snap(alice(1)), snap(lost(2, 100, 105)), marker(2, 200, KEY)),
                        when(snap(alice(3).observedAt(T0.plusSeconds(300)))), expect("AGENT_CONNECTED INFO")),
                row("a pending disconnect ending with the agent gone without a departure -> AGENT_FAILURE, then vanished",
                        given(snap(alice(1)), snap(lost(2, 100, 105))), when(marker(3, 110)),
                        expect("AGENT_FAILURE CRITICAL connection_lost", "AGENT_DISCONNECTED INFO vanished")),
                row("a pending disconnect ending in a stop departure -> AGENT_DISCONNECTED INFO workspace_stopped only",
                        given(snap(alice(1)), snap(lost(2, 100, 105))),
                        when(departure(marker(3, 110), KEY, "workspace_stopped", "stop")),
                        expect("AGENT_DISCONNECTED INFO workspace_stopped")),
                row("status becomes timeout -> AGENT_FAILURE CRITICAL",
                        given(snap(alice(1).connecting())), when(snap(alice(2).timeout())),
                        expect("AGENT_FAILURE CRITICAL connection_timeout")),
                // ---- lifecycle and builds
                row("lifecycle becomes start_error -> AGENT_FAILURE CRITICAL",
                        given(snap(alice(1).lifecycle("starting"))), when(snap(alice(2).lifecycle("start_error"))),
                        expect("AGENT_FAILURE CRITICAL start_error")),
                row("lifecycle becomes start_timeout -> AGENT_FAILURE WARNING",
                        given(snap(alice(1).lifecycle("starting"))), when(snap(alice(2).lifecycle("start_timeout"))),
                        expect("AGENT_FAILURE WARNING start_timeout")),
                row("the old agent's lifecycle becomes shutdown_error during a stop build -> AGENT_FAILURE CRITICAL",
                        given(snap(alice(1)), snap(stopping(2, "shutting_down"))),
                        when(snap(stopping(3, "shutdown_error"))), expect("AGENT_FAILURE CRITICAL shutdown_error")),
                row("the old agent's lifecycle becomes shutdown_timeout during a stop build -> AGENT_FAILURE WARNING",
                        given(snap(alice(1)), snap(stopping(2, "shutting_down"))),
                        when(snap(stopping(3, "shutdown_timeout"))), expect("AGENT_FAILURE WARNING shutdown_timeout")),
                row("build becomes failed -> AGENT_FAILURE CRITICAL",
                        given(), when(snap(Snapshots.agentless("alice/broken-ws"))), expect("AGENT_FAILURE CRITICAL")),
                // ---- departures
                row("the old agent goes off during a stop build -> AGENT_DISCONNECTED INFO workspace_stopped",
                        given(snap(alice(1)), snap(stopping(2, "shutting_down"))),
                        when(snap(stopping(3, "off").disconnected())),
                        expect("AGENT_DISCONNECTED INFO workspace_stopped")),
                row("the old agent goes off during a delete build -> AGENT_DISCONNECTED INFO workspace_deleted",
                        given(snap(alice(1))),
                        when(snap(alice(2).transition("delete").jobStatus("running").lifecycle("off").disconnected())),
                        expect("AGENT_DISCONNECTED INFO workspace_deleted")),
                row("agent hidden by a new build (departure on the marker) -> AGENT_DISCONNECTED INFO with its reason",
                        given(snap(alice(1))), when(departure(marker(2, 90), KEY, "workspace_rebuilt", "start")),
                        expect("AGENT_DISCONNECTED INFO workspace_rebuilt")),
                row("an agent already reported disconnected is not reported again by its departure",
                        given(snap(alice(1)), snap(stopping(2, "off").disconnected())),
                        when(departure(marker(3, 90), KEY, "workspace_stopped", "stop")), expect()),
                row("agent missing from a complete cycle with no build to explain it -> AGENT_DISCONNECTED vanished",
                        given(snap(alice(1))), when(marker(2, 90)), expect("AGENT_DISCONNECTED INFO vanished")),
                // ---- dev containers
                row("sub-agent replaced by a new one of the same name under the same parent -> "
                                + "AGENT_DISCONNECTED recreated + AGENT_CONNECTED",
                        given(snap(alice(1)), snap(dev(1))), when(snap(dev(2), recreate())),
                        expect("AGENT_DISCONNECTED INFO recreated", "AGENT_CONNECTED INFO recreated")),
                row("a sub-agent disconnect that ends in a recreation is no AGENT_FAILURE",
                        given(snap(alice(1)), snap(dev(1)), snap(dev(2).disconnectedAt(T0.plusSeconds(100))
                                .observedAt(T0.plusSeconds(105)))),
                        when(snap(dev(3).observedAt(T0.plusSeconds(300)), recreate())),
                        expect("AGENT_DISCONNECTED INFO recreated", "AGENT_CONNECTED INFO recreated")),
                // ---- tasks
                row("a new, non-stale app status complete -> TASK_COMPLETION INFO",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("complete", "done", at(700)))),
                        expect("TASK_COMPLETION INFO complete")),
                row("a new, non-stale app status failure -> TASK_FAILURE WARNING",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("failure", "red", at(700)))),
                        expect("TASK_FAILURE WARNING failure")),
                row("every status since the last one acted on counts, not only the newest",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("working", "a", at(700))
                                .appStatus("complete", "a done", at(710)).appStatus("working", "b", at(720))
                                .appStatus("failure", "b failed", at(730)).appStatus("working", "c", at(740)))),
                        expect("TASK_COMPLETION INFO complete", "TASK_FAILURE WARNING failure")),
                row("statuses listed newest-first (current Coder) act in created_at order all the same",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("working", "a", at(700))
                                .appStatus("complete", "a done", at(710)).appStatus("working", "b", at(720))
                                .appStatus("failure", "b failed", at(730)), newestFirst())),
                        expect("TASK_COMPLETION INFO complete", "TASK_FAILURE WARNING failure")),
                row("complete followed by idle is one TASK_COMPLETION for that turn (same snapshot)",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("working", "a", at(700))
                                .appStatus("complete", "done", at(710)).appStatus("idle", "waiting", at(712)))),
                        expect("TASK_COMPLETION INFO complete")),
                row("complete followed by idle is one TASK_COMPLETION for that turn (next snapshot)",
                        given(snap(alice(1)), snap(alice(2).appStatus("working", "a", at(700))
                                .appStatus("complete", "done", at(710)))),
                        when(snap(alice(3).appStatus("working", "a", at(700)).appStatus("complete", "done", at(710))
                                .appStatus("idle", "waiting", at(712)))), expect()),
                row("a turn working -> idle with no explicit end -> TASK_COMPLETION naming the reported state idle",
                        given(snap(alice(1)), snap(alice(2).appStatus("working", "a", at(700)))),
                        when(snap(alice(3).appStatus("working", "a", at(700)).appStatus("idle", "ok", at(760)))),
                        expect("TASK_COMPLETION INFO idle implicit")),
                row("a turn working -> idle with implicit completions configured off -> nothing",
                        NO_IMPLICIT, given(snap(alice(1)), snap(alice(2).appStatus("working", "a", at(700)))),
                        when(snap(alice(3).appStatus("working", "a", at(700)).appStatus("idle", "ok", at(760)))),
                        expect()),
                row("idle with no turn open (nothing was working) -> nothing",
                        given(snap(alice(1))), when(snap(alice(2).appStatus("idle", "ready", at(700)))), expect()),
                row("a status older than the latest start build is stale -> nothing",
                        given(snap(alice(1).buildNumber(2))),
                        when(snap(alice(2).buildNumber(2).appStatus("complete", "old", at(700)))), expect()),
                row("a Task current_state complete with no app status of its moment -> TASK_COMPLETION INFO",
                        given(snap(alice(1))), when(snap(alice(2).task("active", "complete", "done", at(700)))),
                        expect("TASK_COMPLETION INFO complete")),
                row("Task status becomes error -> TASK_FAILURE CRITICAL",
                        given(snap(alice(1))), when(snap(alice(2).task("error", null, null, null))),
                        expect("TASK_FAILURE CRITICAL task_status_error")),
                row("an unknown task part (task_unknown) is no change: no second error when it is known again",
                        given(snap(alice(1).task("error", null, null, null)), snap(alice(2), taskUnknown())),
                        when(snap(alice(3).task("error", null, null, null))), expect()),
                row("an unknown task part emits nothing about tasks itself",
                        given(snap(alice(1).task("active", null, null, null))),
                        when(snap(alice(2), taskUnknown())), expect()),
                // ---- prebuilds
                row("an unclaimed prebuilt workspace gives no agent events",
                        given(), when(snap(alice(1), prebuild()), snap(lost(2, 100, 300), prebuild())), expect()),
                row("a workspace owned by Coder's prebuilds user (no is_prebuild field yet) is an unclaimed prebuild",
                        given(), when(snap(alice(1), tree -> SnapshotJson.workspace(tree).remove("is_prebuild"),
                                prebuildsUser())), expect()),
                row("a claimed prebuild -> AGENT_CONNECTED for its new owner, metadata claimed",
                        given(snap(alice(1), prebuild())), when(snap(alice(2), claimedBy("bob", "bobs-task"))),
                        expect("AGENT_CONNECTED INFO claimed")),
                // ---- contract of the diff itself
                row("the same snapshot twice -> nothing",
                        given(snap(alice(1).appStatus("complete", "done", at(700)))),
                        when(snap(alice(1).appStatus("complete", "done", at(700)))), expect()),
                row("a snapshot older than the state (late) -> nothing",
                        given(snap(alice(5))), when(snap(alice(4).disconnected().lifecycle("off"))), expect()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rulebook")
    void shouldDeriveWhatTheRulebookSays(Row row) {
        Rulebook book = new Rulebook(row.policy());
        row.given().forEach(book::apply);

        List<String> events = new ArrayList<>();
        row.when().forEach(step -> book.apply(step).forEach(e -> events.add(label(e))));

        assertThat(events).as(row.rule()).containsExactlyElementsOf(row.expected());
    }

    // ---------------------------------------------------------------- the processor's loop, without Kafka

    private static final class Rulebook {
        private final SnapshotReader reader = new SnapshotReader();
        private final Map<String, AgentState> states = new TreeMap<>();
        private final DiffPolicy policy;

        Rulebook(DiffPolicy policy) {
            this.policy = policy;
        }

        List<EventNotification> apply(ObjectNode step) {
            ParsedSnapshot parsed = reader.read(step.toString().getBytes(StandardCharsets.UTF_8));
            if (parsed instanceof AgentObservation o) {
                DiffResult result = AgentDiff.between(states.get(o.agentKey()), o, policy);
                if (!result.stale()) {
                    states.put(o.agentKey(), result.next());
                }
                return result.events();
            }
            MarkerObservation marker = (MarkerObservation) parsed;
            List<EventNotification> events = new ArrayList<>();
            for (Iterator<Map.Entry<String, AgentState>> it = states.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, AgentState> entry = it.next();
                MarkerResult result = AgentDiff.atMarker(entry.getValue(), marker, policy);
                if (result.gone()) {
                    it.remove();
                } else {
                    entry.setValue(result.next());
                }
                events.addAll(result.events());
            }
            return events;
        }
    }

    // ---------------------------------------------------------------- rows

    record Row(String rule, DiffPolicy policy, List<ObjectNode> given, List<ObjectNode> when,
               List<String> expected) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static Row row(String rule, List<ObjectNode> given, List<ObjectNode> when, List<String> expected) {
        return new Row(rule, DEFAULTS, given, when, expected);
    }

    private static Row row(String rule, DiffPolicy policy, List<ObjectNode> given, List<ObjectNode> when,
                           List<String> expected) {
        return new Row(rule, policy, given, when, expected);
    }

    private static List<ObjectNode> given(ObjectNode... steps) {
        return List.of(steps);
    }

    private static List<ObjectNode> when(ObjectNode... steps) {
        return List.of(steps);
    }

    private static List<String> expect(String... labels) {
        return Arrays.asList(labels);
    }

    /** {@code TYPE SEVERITY}, then {@code metadata.reason} or the task state, then the flags that are set. */
    private static String label(EventNotification e) {
        StringBuilder label = new StringBuilder(e.eventType() + " " + e.severity());
        Map<String, Object> m = e.metadata();
        Object reason = m.get("reason") != null ? m.get("reason") : m.get("state");
        if (reason != null) {
            label.append(' ').append(reason);
        }
        for (String flag : List.of("implicit", "claimed", "recreated", "rebuilt")) {
            if (Boolean.TRUE.equals(m.get(flag))) {
                label.append(' ').append(flag);
            }
        }
        return label.toString();
    }

    // ---------------------------------------------------------------- fixtures

    private static Snapshots.Builder alice(long poll) {
        return Snapshots.agent(ALICE).pollId(poll);
    }

    private static Snapshots.Builder dev(long poll) {
        return Snapshots.agent(DEV).parentAgent("main").pollId(poll);
    }

    /** Alice disconnected at T0 + {@code lostAt} s, observed at T0 + {@code seenAt} s, while the start build runs. */
    private static Snapshots.Builder lost(long poll, int lostAt, int seenAt) {
        return alice(poll).disconnectedAt(T0.plusSeconds(lostAt)).observedAt(T0.plusSeconds(seenAt));
    }

    /** The old agent, read by UUID while its workspace's stop build runs. */
    private static Snapshots.Builder stopping(long poll, String lifecycle) {
        return alice(poll).transition("stop").jobStatus("running").lifecycle(lifecycle);
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static ObjectNode snap(Snapshots.Builder builder) {
        return SnapshotJson.tree(builder.build());
    }

    @SafeVarargs
    private static ObjectNode snap(Snapshots.Builder builder, Consumer<ObjectNode>... edits) {
        ObjectNode tree = SnapshotJson.tree(builder.build());
        for (Consumer<ObjectNode> edit : edits) {
            edit.accept(tree);
        }
        return tree;
    }

    private static ObjectNode marker(long poll, int atSeconds, String... keys) {
        return SnapshotJson.marker(poll, T0.plusSeconds(atSeconds), List.of(keys));
    }

    private static ObjectNode departure(ObjectNode marker, String key, String reason, String transition) {
        return SnapshotJson.departure(marker, key, reason, 2, transition, "alice");
    }

    /** The dev container was recreated: same name, same parent, a new agent UUID. */
    private static Consumer<ObjectNode> recreate() {
        return tree -> SnapshotJson.agent(tree).put("id", "0d0d0d0d-0000-4000-8000-00000000000" + 1);
    }

    private static Consumer<ObjectNode> newestFirst() {
        return tree -> {
            ArrayNode statuses = (ArrayNode) SnapshotJson.agent(tree).get("apps").get(0).get("statuses");
            List<tools.jackson.databind.JsonNode> items = new ArrayList<>();
            statuses.forEach(items::add);
            statuses.removeAll();
            for (int i = items.size() - 1; i >= 0; i--) {
                statuses.add(items.get(i));
            }
        };
    }

    private static Consumer<ObjectNode> taskUnknown() {
        return tree -> {
            tree.remove("task");
            tree.put("task_unknown", true);
        };
    }

    private static Consumer<ObjectNode> prebuild() {
        return tree -> {
            SnapshotJson.workspace(tree).put("is_prebuild", true);
            SnapshotJson.workspace(tree).put("owner_name", "prebuilds");
        };
    }

    private static Consumer<ObjectNode> prebuildsUser() {
        return tree -> SnapshotJson.workspace(tree).put("owner_id", "c42fdf75-3097-471c-8c33-fb52454d81c0");
    }

    private static Consumer<ObjectNode> claimedBy(String owner, String name) {
        return tree -> {
            SnapshotJson.workspace(tree).put("is_prebuild", false);
            SnapshotJson.workspace(tree).put("owner_name", owner);
            SnapshotJson.workspace(tree).put("name", name);
        };
    }

    static {
        // the grace the rows are written for
        assertThat(DEFAULTS.disconnectGrace()).isEqualTo(Duration.ofSeconds(45));
    }
}
