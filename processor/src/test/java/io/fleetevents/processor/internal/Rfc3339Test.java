package io.fleetevents.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc3339Test {

    @Test
    void shouldAgreeWithInstantParseOnRandomUtcTimestamps() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 2_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(0, 4_000_000_000L), random.nextInt(1_000_000) * 1000L);
            String text = instant.toString();

            long micros = Rfc3339.toEpochMicros(text);

            assertThat(micros).as("seed %d: %s", seed, text)
                    .isEqualTo(instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000);
        }
    }

    @Test
    void shouldHandleOffsetsAndNanosecondsAndRejectGarbage() {
        assertThat(Rfc3339.toEpochMicros("2026-03-02T09:14:30+01:00"))
                .isEqualTo(Instant.parse("2026-03-02T08:14:30Z").getEpochSecond() * 1_000_000L);
        assertThat(Rfc3339.toEpochMicros("2026-03-02T09:14:30.123456789Z") % 1_000_000).isEqualTo(123456);
        assertThatThrownBy(() -> Rfc3339.toEpochMicros("2026-13-02T09:14:30Z")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rfc3339.toEpochMicros("soon")).isInstanceOf(IllegalArgumentException.class);
    }
}
