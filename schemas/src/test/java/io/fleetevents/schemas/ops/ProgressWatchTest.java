package io.fleetevents.schemas.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ProgressWatch watch = new ProgressWatch(Duration.ofSeconds(30));

    @Test
    void shouldReportAStallWhenThePositionStaysWhileTheInputGrowsLongerThanTheLimit() {
        watch.observe(T0, 100, 120);
        watch.observe(T0.plusSeconds(10), 100, 130);

        assertThat(watch.observe(T0.plusSeconds(39), 100, 150)).isEmpty();
        assertThat(watch.observe(T0.plusSeconds(40), 100, 160)).hasValueSatisfying(stall -> {
            assertThat(stall.duration()).isEqualTo(Duration.ofSeconds(30));
            assertThat(stall.lag()).isEqualTo(60);
            assertThat(stall.grownBy()).isEqualTo(30);
        });
    }

    @Test
    void shouldNotReportAReaderThatMovesHoweverFarBehindItIs() {
        for (int s = 0; s < 100; s += 10) {
            assertThat(watch.observe(T0.plusSeconds(s), s, 1_000 + 10L * s)).isEmpty();
        }
    }

    @Test
    void shouldNotReportAnIdleReaderThatHasReadEverything() {
        assertThat(watch.observe(T0, 100, 100)).isEmpty();
        assertThat(watch.observe(T0.plusSeconds(60), 100, 100)).isEmpty();
    }

    @Test
    void shouldNotReportAStuckReaderWhoseInputStoppedGrowing() {
        watch.observe(T0, 100, 120);
        watch.observe(T0.plusSeconds(10), 100, 120);

        assertThat(watch.observe(T0.plusSeconds(60), 100, 120)).isEmpty();
    }

    @Test
    void shouldStartOverWhenThePositionMoves() {
        watch.observe(T0, 100, 120);
        watch.observe(T0.plusSeconds(10), 100, 130);
        watch.observe(T0.plusSeconds(35), 101, 140);

        assertThat(watch.observe(T0.plusSeconds(45), 101, 150)).isEmpty();
    }
}
