package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumeTokenTest {

    private static final long SEED = 20261125L;

    @Test
    void shouldEncodeAnOffsetArrayExactlyAsTheTokenOfTheSamePositions() {
        Random random = new Random(SEED);
        for (int run = 0; run < 300; run++) {
            long[] offsets = new long[1 + random.nextInt(run < 10 ? 6 : 300)];
            Map<Integer, Long> positions = new TreeMap<>();
            for (int p = 0; p < offsets.length; p++) {
                offsets[p] = random.nextBoolean() ? random.nextInt(100_000) : random.nextLong() & Long.MAX_VALUE;
                positions.put(p, offsets[p]);
            }

            assertThat(ResumeToken.encode(offsets)).as("seed %d run %d", SEED, run)
                    .isEqualTo(new ResumeToken(positions).encode());
        }
        assertThatThrownBy(() -> ResumeToken.encode(new long[] {3, -1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResumeToken.encode(new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRoundTripRandomTokensOfOneToOneThousandPartitions() {
        Random random = new Random(SEED);
        for (int run = 0; run < 500; run++) {
            int partitions = run < 2 ? (run == 0 ? 1 : 1000) : 1 + random.nextInt(1000);
            Map<Integer, Long> positions = new TreeMap<>();
            int partition = random.nextInt(3);
            for (int i = 0; i < partitions; i++) {
                long offset = switch (random.nextInt(4)) {
                    case 0 -> 0L;
                    case 1 -> Long.MAX_VALUE - random.nextInt(10);
                    case 2 -> random.nextInt(1_000_000);
                    default -> random.nextLong() & Long.MAX_VALUE;
                };
                positions.put(partition, offset);
                partition += 1 + (random.nextInt(10) == 0 ? random.nextInt(100_000) : 0);
            }
            ResumeToken token = new ResumeToken(positions);

            String text = token.encode();

            assertThat(ResumeToken.decode(text)).as("seed %d run %d", SEED, run).isEqualTo(token);
            assertThat(text).as("seed %d run %d", SEED, run).matches("[A-Za-z0-9_-]+");
        }
    }

    @Test
    void shouldKeepASixPartitionTokenShort() {
        ResumeToken token = new ResumeToken(Map.of(0, 120L, 1, 98L, 2, 4000L, 3, 0L, 4, 77L, 5, 1_000_000L));

        assertThat(token.encode().length()).isLessThanOrEqualTo(32);
        assertThat(token.nextOffset(2)).isEqualTo(4000L);
        assertThat(token.nextOffset(9)).isEqualTo(-1L);
        assertThat(token.with(2, 4001L).nextOffset(2)).isEqualTo(4001L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not base64!", "%%%", "AQ", "AgEAAA", "AQEA", "AQIAAQAB", "AQEAAQE"})
    void shouldRejectMalformedTokensWithOneActionableExceptionType(String text) {
        assertThatThrownBy(() -> ResumeToken.decode(text))
                .isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageStartingWith("malformed resume token: ")
                .hasMessageContaining("resume-token value of a delivered event");
    }

    @Test
    void shouldRejectNullAWrongVersionAndTruncatedTokens() {
        String valid = new ResumeToken(Map.of(0, 300L, 1, 5L)).encode();
        byte[] bytes = Base64.getUrlDecoder().decode(valid);
        bytes[0] = 2;
        String wrongVersion = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThatThrownBy(() -> ResumeToken.decode(null)).isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ResumeToken.decode(wrongVersion)).isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageContaining("version is 2");
        for (int cut = 1; cut < valid.length(); cut++) {
            String truncated = valid.substring(0, cut);
            assertThatThrownBy(() -> ResumeToken.decode(truncated)).as("prefix %s", truncated)
                    .isInstanceOf(InvalidResumeTokenException.class);
        }
    }

    @Test
    void shouldRejectPartitionsOutOfOrderAndNumbersBeyondAKafkaOffset() {
        byte[] unordered = {1, 2, 3, 0, 1, 0};
        byte[] overflow = {1, 1, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};

        assertThatThrownBy(() -> ResumeToken.decode(encode(unordered))).isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> ResumeToken.decode(encode(overflow))).isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageContaining("larger than a Kafka offset");
    }

    @Test
    void shouldRejectTenKilobytesOfRandomJunkWithoutEchoingIt() {
        Random random = new Random(SEED);
        for (int run = 0; run < 200; run++) {
            byte[] junk = new byte[random.nextInt(10_240) + 1];
            random.nextBytes(junk);
            String asText = run % 2 == 0 ? new String(junk, StandardCharsets.ISO_8859_1) : encode(junk);

            assertThatThrownBy(() -> ResumeToken.decode(asText)).as("seed %d run %d", SEED, run)
                    .isInstanceOf(InvalidResumeTokenException.class)
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
        }
    }

    @Test
    void shouldRejectTextLongerThanAnyTokenTheServerIssues() {
        String huge = "A".repeat(ResumeToken.MAX_TEXT_LENGTH + 1);

        assertThatThrownBy(() -> ResumeToken.decode(huge)).isInstanceOf(InvalidResumeTokenException.class)
                .hasMessageContaining("characters long");
    }

    @Test
    void shouldRefuseToBuildTokensWithNegativeOffsetsOrNoPartitions() {
        assertThatThrownBy(() -> new ResumeToken(Map.of(0, -1L))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResumeToken(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
