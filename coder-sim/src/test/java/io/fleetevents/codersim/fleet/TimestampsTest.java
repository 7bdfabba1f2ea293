package io.fleetevents.codersim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void shouldFormatEveryInstantExactlyAsInstantToStringDoes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int[] nanos = {0, 1, 999_999_999, 100_000_000, 120_000_000, 123_000_000, 123_400_000, 123_456_000, 123_456_700,
            1_000, 1_000_000, 10};

        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-400_000_000_000L, 400_000_000_000L);
            if (i % 2 == 0) {
                seconds = random.nextLong(0, 4_102_444_800L); // 1970–2100, where the simulator lives
            }
            Instant instant = Instant.ofEpochSecond(seconds,
                    i % 3 == 0 ? random.nextInt(1_000_000_000) : nanos[random.nextInt(nanos.length)]);

            assertThat(Timestamps.format(instant)).as("seed %d: %s", seed, instant).isEqualTo(instant.toString());
        }
    }

    @Test
    void shouldFormatTheEdgesOfTheFastRangeAndBeyond() {
        for (Instant instant : List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.parse("2000-02-29T23:59:59Z"),
                Instant.parse("2100-03-01T00:00:00.5Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX)) {

            assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
        }
    }
}
