package io.fleetevents.processor.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityAlertsTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    private AlertState state = AlertState.initial();
    private long poll;

    private List<EventNotification> cycle(CapacityPolicy policy, int working, int connected) {
        ScopeTotals fleet = new ScopeTotals("fleet", connected, new ScopeCounts(connected, connected, working), 0, 0);
        CycleOutcome outcome = CapacityAlerts.evaluate(policy, state, List.of(fleet), "test", ++poll, NOW);
        state = outcome.next();
        return outcome.events();
    }

    @Test
    void shouldStepDownFromCriticalQuietlyAndReportCriticalAgainWhenItIsCrossedAgain() {
        CapacityPolicy policy = CapacityPolicy.defaults();
        List<EventSeverity> severities = new ArrayList<>();

        for (int working : new int[] {96, 92, 85, 96, 70}) {
            cycle(policy, working, 100).forEach(e -> severities.add(e.severity()));
        }

        assertThat(severities).containsExactly(EventSeverity.CRITICAL, EventSeverity.CRITICAL, EventSeverity.INFO);
    }

    @Test
    void shouldWaitForTheDebounceCyclesBeforeWarning() {
        CapacityPolicy policy = new CapacityPolicy(null, null, null, 3, List.of("fleet"), null);

        assertThat(cycle(policy, 85, 100)).isEmpty();
        assertThat(cycle(policy, 85, 100)).isEmpty();
        assertThat(cycle(policy, 85, 100)).singleElement()
                .satisfies(e -> assertThat(e.severity()).isEqualTo(EventSeverity.WARNING));
        assertThat(cycle(policy, 85, 100)).isEmpty();
    }

    @Test
    void shouldNotResolveInsideTheHysteresisBand() {
        CapacityPolicy policy = CapacityPolicy.defaults();
        cycle(policy, 80, 100);

        assertThat(cycle(policy, 76, 100)).isEmpty();
        assertThat(cycle(policy, 79, 100)).isEmpty();
        assertThat(cycle(policy, 74, 100)).singleElement()
                .satisfies(e -> assertThat(e.metadata()).containsEntry("resolved", true));
    }

    @Test
    void shouldGiveTheSameEventIdsForTheSameCycles() {
        CapacityPolicy policy = CapacityPolicy.defaults();
        String first = cycle(policy, 90, 100).get(0).eventId();
        state = AlertState.initial();
        poll = 0;

        assertThat(cycle(policy, 90, 100).get(0).eventId()).isEqualTo(first);
    }

    @Test
    void shouldWriteAZeroSampleForAScopeThatEmptiedAndThenForgetIt() {
        CapacityPolicy policy = CapacityPolicy.defaults();
        ScopeTotals team = new ScopeTotals("template/old", 1, new ScopeCounts(1, 1, 1), 0, 0);
        state = CapacityAlerts.evaluate(policy, state, List.of(team), "test", 1, NOW).next();

        CycleOutcome outcome = CapacityAlerts.evaluate(policy, state, List.of(), "test", 2, NOW);

        assertThat(outcome.samples()).singleElement().satisfies(s -> {
            assertThat(s.scope()).isEqualTo("template/old");
            assertThat(s.agents()).isZero();
        });
        assertThat(outcome.events()).singleElement()
                .satisfies(e -> assertThat(e.metadata()).containsEntry("resolved", true));
        assertThat(outcome.next().scopes()).doesNotContainKey("template/old");
    }
}
