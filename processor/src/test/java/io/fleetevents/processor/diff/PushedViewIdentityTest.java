package io.fleetevents.processor.diff;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.snapshot.AgentObservation;
import io.fleetevents.processor.snapshot.SnapshotReader;
import io.fleetevents.processor.topology.SnapshotJson;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change the poller's watch saw first and its next poll saw again is one event, with the id the poll alone would
 * have given it; and a view older than the one accepted (a poll listing of a cycle that began before a watch event
 * was written) changes nothing. The poller gives a watch view the id current when it arrived (here 105), between the
 * cycle before (100) and the cycle after (110).
 */
class PushedViewIdentityTest {

    private static final String ALICE = "alice/fix-flaky-tests.main";
    private final SnapshotReader reader = new SnapshotReader();

    record Change(String name, UnaryOperator<Snapshots.Builder> before, UnaryOperator<Snapshots.Builder> after,
                  String eventType) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Change> changes() {
        return Stream.of(
                new Change("app status complete -> TASK_COMPLETION", b -> b,
                        b -> b.appStatus("complete", "done", T0.plusSeconds(700)), "TASK_COMPLETION"),
                new Change("agent connects -> AGENT_CONNECTED", Snapshots.Builder::connecting,
                        Snapshots.Builder::connected, "AGENT_CONNECTED"),
                new Change("app status failure -> TASK_FAILURE", b -> b,
                        b -> b.appStatus("failure", "red", T0.plusSeconds(700)), "TASK_FAILURE"),
                new Change("lifecycle start_error -> AGENT_FAILURE", b -> b,
                        b -> b.lifecycle("start_error"), "AGENT_FAILURE"),
                new Change("agent lost past the grace -> AGENT_FAILURE", b -> b,
                        b -> b.disconnectedAt(T0.plusSeconds(100)), "AGENT_FAILURE"));
    }

    private AgentObservation view(UnaryOperator<Snapshots.Builder> shape, long pollId, int seenAtSeconds) {
        Snapshots.Builder builder = Snapshots.agent(ALICE).pollId(pollId).observedAt(at(seenAtSeconds));
        String json = SnapshotJson.tree(shape.apply(builder).build()).toString();
        return (AgentObservation) reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    /**
     * Runs views through the diff as the processor does; returns the events of every view after the first (the first
     * sets the state the change starts from).
     */
    private static List<EventNotification> run(AgentObservation... views) {
        AgentState state = null;
        List<EventNotification> events = new ArrayList<>();
        for (int i = 0; i < views.length; i++) {
            DiffResult result = AgentDiff.between(state, views[i], DiffPolicy.defaults());
            if (!result.stale()) {
                state = result.next();
            }
            if (i > 0) {
                events.addAll(result.events());
            }
        }
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void shouldGiveOneEventWithThePollsIdWhenAWatchSawTheChangeFirst(Change change) {
        AgentObservation before = view(change.before(), 100, 600);
        AgentObservation byWatch = view(change.after(), 105, 705);
        AgentObservation byPoll = view(change.after(), 110, 710);

        List<EventNotification> watchThenPoll = run(before, byWatch, byPoll);
        List<EventNotification> pollOnly = run(before, byPoll);

        assertThat(pollOnly).extracting(EventNotification::eventType).extracting(Enum::name)
                .containsExactly(change.eventType());
        assertThat(watchThenPoll).as("one event, not two").hasSize(1);
        assertThat(watchThenPoll.get(0).eventId()).as("the id does not depend on which path saw it")
                .isEqualTo(pollOnly.get(0).eventId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void shouldIgnoreAnOlderPollViewArrivingAfterTheWatchsView(Change change) {
        AgentObservation before = view(change.before(), 100, 600);
        AgentObservation byWatch = view(change.after(), 105, 705);
        AgentObservation staleListing = view(change.before(), 103, 703);
        AgentObservation byPoll = view(change.after(), 110, 710);

        List<EventNotification> events = run(before, byWatch, staleListing, byPoll);

        assertThat(events).as("no roll-back, no second event").hasSize(1);
        assertThat(events.get(0).eventType().name()).isEqualTo(change.eventType());
    }
}
