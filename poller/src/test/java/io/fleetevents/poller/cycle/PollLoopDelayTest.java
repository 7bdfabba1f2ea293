package io.fleetevents.poller.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.poller.app.PollerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollLoopDelayTest {

    private final PollLoop loop = new PollLoop(null, new PollLoop.Settings(Duration.ofSeconds(5),
            Duration.ofSeconds(60), Duration.ofSeconds(60), 8), new PollIds(Clock.systemUTC()), new PollerHealth(),
            new PollerMetrics(new SimpleMeterRegistry()), Clock.systemUTC());

    private static CycleOutcome complete(Duration elapsed) {
        return new CycleOutcome(1, true, elapsed, 0, 0, 0, 0, 0, 6, 0, null, null, Duration.ZERO);
    }

    private static CycleOutcome failed(String reason, Duration retryAfter) {
        return new CycleOutcome(1, false, Duration.ofMillis(100), 0, 0, 0, 0, 0, 0, 0, reason, "x", retryAfter);
    }

    @Test
    void shouldStartTheNextCycleOneIntervalAfterTheLastStartedOrAtOnceWhenItOverran() {
        assertThat(loop.delayAfter(complete(Duration.ofSeconds(2)), 0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(loop.delayAfter(complete(Duration.ofSeconds(9)), 0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldHonourRetryAfterAndSlowDownUntilCyclesSucceedAgain() {
        Duration first = loop.delayAfter(failed("rate_limited", Duration.ofSeconds(2)), 1);
        Duration second = loop.delayAfter(failed("rate_limited", Duration.ofSeconds(60)), 2);
        Duration afterOneSuccess = loop.delayAfter(complete(Duration.ZERO), 0);
        Duration afterTwo = loop.delayAfter(complete(Duration.ZERO), 0);

        assertThat(first).isEqualTo(Duration.ofSeconds(10));
        assertThat(second).isEqualTo(Duration.ofSeconds(60));
        assertThat(afterOneSuccess).isEqualTo(Duration.ofSeconds(10));
        assertThat(afterTwo).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldBackOffExponentiallyOnTransientFailuresAndWaitLongAfterAuthFailures() {
        assertThat(loop.delayAfter(failed("unavailable", Duration.ZERO), 1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(loop.delayAfter(failed("unavailable", Duration.ZERO), 3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(loop.delayAfter(failed("protocol", Duration.ZERO), 10)).isEqualTo(Duration.ofSeconds(60));
        assertThat(loop.delayAfter(failed("auth", Duration.ZERO), 1)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldIssueIncreasingPollIdsAboveTheWallClock() {
        PollIds ids = new PollIds(Clock.systemUTC());
        long before = System.currentTimeMillis();

        long a = ids.next();
        long b = ids.next();

        assertThat(a).isGreaterThanOrEqualTo(before);
        assertThat(b).isGreaterThan(a);
    }
}
