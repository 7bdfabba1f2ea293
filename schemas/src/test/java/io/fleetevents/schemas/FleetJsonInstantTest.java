package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The fast {@code Instant} path of {@link FleetJson} reads exactly what Jackson's own deserializer reads. */
class FleetJsonInstantTest {

    record Stamped(Instant at) {
    }

    private static final JsonMapper JACKSON = JsonMapper.builder().build();

    @ParameterizedTest
    @ValueSource(strings = {"\"2026-03-02T09:14:30Z\"", "\"2026-03-02T09:14:30.1Z\"", "\"2026-03-02T09:14:30.123456Z\"",
            "\"2026-03-02T09:14:30.123456789Z\"", "\"2024-02-29T00:00:00Z\"", "\"2026-03-02T09:14:30+01:00\"",
            "\"2026-03-02T24:00:00Z\"", "\"2026-03-02T23:59:60Z\"", "1772442870", "1772442870.5", "null",
            "\"2026-02-29T00:00:00Z\"", "\"2026-04-31T10:00:00Z\"", "\"2026-03-02T09:14:30.Z\"", "\"soon\"", "\"\"",
            "true", "{}"})
    void shouldReadEveryInputAsJacksonDoes(String value) {
        String json = "{\"at\":" + value + "}";

        Object expected = outcome(JACKSON, json);
        Object actual = outcome(FleetJson.mapper(), json);

        assertThat(actual).as(json).isEqualTo(expected);
    }

    /** The value read, or the class of the exception thrown. */
    private static Object outcome(JsonMapper mapper, String json) {
        Throwable error = catchThrowable(() -> mapper.readValue(json, Stamped.class));
        return error == null ? mapper.readValue(json, Stamped.class) : error.getClass();
    }
}
