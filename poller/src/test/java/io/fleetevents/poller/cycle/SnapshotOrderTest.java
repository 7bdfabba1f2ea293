package io.fleetevents.poller.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ordering rules between poll views and pushed views of one key, one row per rule. */
class SnapshotOrderTest {

    private static final String KEY = "w1/main";
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private final SnapshotOrder order = new SnapshotOrder();

    @Test
    void rule1ShouldAdmitTheFirstViewOfAKey() {
        assertThat(order.admits(KEY, 100)).isTrue();
    }

    @Test
    void rule1ShouldDropAPollViewOfACycleThatBeganBeforeAWrittenPushedView() {
        order.handedOver(KEY, 105);

        assertThat(order.admits(KEY, 100)).as("cycle 100's listing after push 105").isFalse();
        assertThat(order.admits(KEY, 105)).as("same id: the processor accepts it too").isTrue();
        assertThat(order.admits(KEY, 110)).as("the next cycle").isTrue();
    }

    @Test
    void rule1ShouldDropAPushedViewReceivedBeforeTheCycleWhoseListingWasWritten() {
        order.handedOver(KEY, 200);

        assertThat(order.admits(KEY, 199)).as("a watch event received before cycle 200, written after it").isFalse();
    }

    @Test
    void rule1ShouldNeverGoBackWhenViewsAreHandedOverOutOfOrder() {
        order.handedOver(KEY, 300);
        order.handedOver(KEY, 250);

        assertThat(order.admits(KEY, 260)).isFalse();
    }

    @Test
    void rule2ShouldDeferAChangedPollViewToAWatchHeldSinceBeforeTheCycleOnce() {
        order.watchHeld("w1", T0);

        assertThat(order.deferToWatch("w1", KEY, 42, T0.plusSeconds(5))).as("first cycle: the watch's event is due")
                .isTrue();
        assertThat(order.deferToWatch("w1", KEY, 42, T0.plusSeconds(10)))
                .as("next cycle, same difference: the watch missed it, the poll writes").isFalse();
    }

    @Test
    void rule2ShouldDeferAgainForANewDifference() {
        order.watchHeld("w1", T0);
        order.deferToWatch("w1", KEY, 42, T0.plusSeconds(5));

        assertThat(order.deferToWatch("w1", KEY, 43, T0.plusSeconds(10))).isTrue();
    }

    @Test
    void rule2ShouldNotDeferWhenTheWatchWasHeldOnlySinceTheCycleBegan() {
        order.watchHeld("w1", T0.plusSeconds(5));

        assertThat(order.deferToWatch("w1", KEY, 42, T0.plusSeconds(5))).isFalse();
    }

    @Test
    void rule2ShouldNotDeferWhenTheWatchWasLost() {
        order.watchHeld("w1", T0);
        order.watchLost("w1");

        assertThat(order.deferToWatch("w1", KEY, 42, T0.plusSeconds(5))).isFalse();
    }

    @Test
    void rule2ShouldForgetADeferralOnceAViewIsHandedOver() {
        order.watchHeld("w1", T0);
        order.deferToWatch("w1", KEY, 42, T0.plusSeconds(5));
        order.handedOver(KEY, 1);

        assertThat(order.deferToWatch("w1", KEY, 42, T0.plusSeconds(10))).as("a fresh difference").isTrue();
    }

    @Test
    void shouldKeepAfterACycleOnlyListedKeysAndKeysPushedSinceItBegan() {
        order.handedOver("gone/main", 90);
        order.handedOver("new/main", 120);
        order.handedOver(KEY, 100);

        order.retainOnly(Set.of(KEY), 100);

        assertThat(order.admits("gone/main", 1)).as("forgotten").isTrue();
        assertThat(order.admits("new/main", 110)).as("pushed after cycle 100 began: kept").isFalse();
        assertThat(order.admits(KEY, 99)).isFalse();
    }

    @Test
    void pushedViewIdsShouldNotConsumeIdsAndStayBelowTheNextCycle() {
        PollIds ids = new PollIds(java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));

        long cycle = ids.next();
        long pushed = ids.current();
        long next = ids.next();

        assertThat(pushed).isEqualTo(cycle);
        assertThat(next).isGreaterThan(pushed);
    }
}
