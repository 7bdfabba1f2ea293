package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    @Test
    void shouldAgreeWithInstantParseOnRandomUtcTimestampsOfEveryPrecision() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L), nanos);
            String text = instant.toString();

            assertThat(Rfc3339.utcOrNull(text)).as("seed %d: %s", seed, text).isEqualTo(instant);
            assertThat(Rfc3339.toEpochMicros(text)).as("seed %d: %s", seed, text)
                    .isEqualTo(instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000);
        }
    }

    @Test
    void shouldParseEveryFractionLengthAndLeapDays() {
        assertThat(Rfc3339.utcOrNull("2026-03-02T09:14:30.1Z")).isEqualTo(Instant.parse("2026-03-02T09:14:30.100Z"));
        assertThat(Rfc3339.utcOrNull("2026-03-02T09:14:30.123456789Z"))
                .isEqualTo(Instant.parse("2026-03-02T09:14:30.123456789Z"));
        assertThat(Rfc3339.utcOrNull("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(Rfc3339.utcOrNull("2000-02-29T23:59:59Z")).isEqualTo(Instant.parse("2000-02-29T23:59:59Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-13-02T09:14:30Z", "2026-03-02T25:00:00Z", "2026-03-02T09:60:00Z",
            "2026-03-02T09:14:30.1234567890Z", "2026-03-02 09:14:30Z", "2026-03-02T09:14:3xZ", "soon"})
    void shouldRejectImpossibleOrMalformedTimes(String text) {
        assertThat(Rfc3339.utcOrNull(text)).isNull();
        assertThatThrownBy(() -> Rfc3339.toInstant(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text);
    }

    @Test
    void shouldLeaveOffsetsAndLowerCaseToTheJdkParser() {
        assertThat(Rfc3339.utcOrNull("2026-03-02T09:14:30+01:00")).isNull();
        assertThat(Rfc3339.toInstant("2026-03-02T09:14:30+01:00")).isEqualTo(Instant.parse("2026-03-02T08:14:30Z"));
        assertThat(Rfc3339.toEpochMicros("2026-03-02T09:14:30.5-02:30"))
                .isEqualTo(Instant.parse("2026-03-02T11:44:30.5Z").toEpochMilli() * 1000L);
    }
}
