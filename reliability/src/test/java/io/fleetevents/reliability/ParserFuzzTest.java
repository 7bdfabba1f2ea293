package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fleetevents.schemas.InvalidFilterException;
import io.fleetevents.schemas.InvalidResumeTokenException;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.SubscriptionFilter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property-style fuzzing (seeded loops; jqwik does not run on JUnit 6) of the two parsers that take client input on
 * every transport: a resume token and a subscription filter either parse or fail with their own documented
 * exception — never another exception, never a hang — and valid tokens round-trip.
 */
class ParserFuzzTest {

    private static final long SEED = Long.getLong("reliability.fuzz.seed", 20261125L);
    private static final int RUNS = 5_000;

    @Test
    void shouldDecodeEveryResumeTokenOrRejectItWithInvalidResumeTokenException() {
        Random random = new Random(SEED);
        for (int i = 0; i < RUNS; i++) {
            String text = switch (i % 4) {
                case 0 -> randomText(random);
                case 1 -> Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(random));
                case 2 -> mutate(validToken(random).encode(), random);
                default -> Base64.getUrlEncoder().withoutPadding().encodeToString(
                        withVersionByte(randomBytes(random)));
            };
            try {
                ResumeToken decoded = ResumeToken.decode(text);
                assertThat(ResumeToken.decode(decoded.encode())).as("seed %d run %d", SEED, i).isEqualTo(decoded);
            } catch (InvalidResumeTokenException expected) {
                assertThat(expected.getMessage()).as("seed %d run %d", SEED, i).isNotBlank();
            } catch (RuntimeException e) {
                fail("seed " + SEED + " run " + i + ": ResumeToken.decode(\"" + text + "\") threw " + e, e);
            }
        }
    }

    @Test
    void shouldRoundTripEveryValidResumeToken() {
        Random random = new Random(SEED);
        for (int i = 0; i < RUNS; i++) {
            ResumeToken token = validToken(random);
            assertThat(ResumeToken.decode(token.encode())).as("seed %d run %d", SEED, i).isEqualTo(token);
        }
    }

    @Test
    void shouldParseEveryFilterOrRejectItWithInvalidFilterException() {
        Random random = new Random(SEED);
        String[] types = {"AGENT_FAILURE", "TASK_COMPLETION", "agent_failure", "NOPE", "", " ", ",", "*"};
        String[] severities = {"INFO", "WARNING", "CRITICAL", "critical", "LOUD", "", null};
        for (int i = 0; i < RUNS; i++) {
            String json = switch (i % 3) {
                case 0 -> randomText(random);
                case 1 -> "{\"event_types\":[\"" + types[random.nextInt(types.length)] + "\"],\"agent_ids\":[\""
                        + randomText(random).replace("\"", "") + "\"],\"severity_min\":\""
                        + severities[random.nextInt(severities.length - 1)] + "\"}";
                default -> mutate("{\"event_types\":[\"AGENT_FAILURE\"],\"agent_ids\":[\"alice/*\"],"
                        + "\"severity_min\":\"WARNING\"}", random);
            };
            try {
                SubscriptionFilter.fromJson(json);
            } catch (InvalidFilterException expected) {
                assertThat(expected.getMessage()).as("seed %d run %d", SEED, i).isNotBlank();
            } catch (RuntimeException e) {
                fail("seed " + SEED + " run " + i + ": SubscriptionFilter.fromJson(" + json + ") threw " + e, e);
            }
            try {
                SubscriptionFilter.fromParameters(types[random.nextInt(types.length)] + "," + randomText(random),
                        random.nextBoolean() ? randomText(random) : null, severities[random.nextInt(severities.length)]);
            } catch (InvalidFilterException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException e) {
                fail("seed " + SEED + " run " + i + ": SubscriptionFilter.fromParameters threw " + e, e);
            }
        }
    }

    private static ResumeToken validToken(Random random) {
        Map<Integer, Long> positions = new HashMap<>();
        int partitions = 1 + random.nextInt(12);
        for (int p = 0; p < partitions; p++) {
            positions.put(p, random.nextInt(3) == 0 ? 0L : (long) random.nextInt(Integer.MAX_VALUE) * random.nextInt(64));
        }
        return new ResumeToken(positions);
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] withVersionByte(byte[] bytes) {
        if (bytes.length > 0) {
            bytes[0] = (byte) ResumeToken.VERSION;
        }
        return bytes;
    }

    private static String randomText(Random random) {
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        return random.nextBoolean() ? s : s.replaceAll("[^ -~]", "*");
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(3)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, (char) (32 + random.nextInt(95)));
                default -> out.setCharAt(at, (char) random.nextInt(256));
            }
        }
        return out.toString();
    }
}
