package io.fleetevents.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryWriterTest {

    @Test
    void shouldWriteAsciiAndNonAsciiStringsAsLengthPrefixedUtf8ThatTheReaderReadsBack() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            List<String> values = new ArrayList<>();
            BinaryWriter writer = new BinaryWriter(16);
            int count = random.nextInt(20);
            for (int i = 0; i < count; i++) {
                String value = randomString(random);
                values.add(value);
                writer.writeString(value).writeLong(i);
            }
            BinaryReader reader = new BinaryReader(writer.toByteArray());
            for (int i = 0; i < count; i++) {
                assertThat(reader.readString()).as("seed %d round %d value %d", seed, round, i)
                        .isEqualTo(values.get(i));
                assertThat(reader.readLong()).as("seed %d", seed).isEqualTo(i);
            }
        }
    }

    @Test
    void shouldEncodeAStringExactlyAsItsUtf8BytesAfterAFourByteLength() {
        for (String value : new String[] {"", "connected", "ünïcödé ✓", "a\u0080b", "𝄞"}) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            byte[] written = new BinaryWriter(16).writeString(value).toByteArray();
            assertThat(written).hasSize(4 + utf8.length);
            assertThat(new BinaryReader(written).readInt()).isEqualTo(utf8.length);
            assertThat(java.util.Arrays.copyOfRange(written, 4, written.length)).isEqualTo(utf8);
        }
    }

    private static String randomString(Random random) {
        int kind = random.nextInt(5);
        if (kind == 0) {
            return null;
        }
        int length = random.nextInt(kind == 1 ? 3 : 80);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(kind == 4 && random.nextInt(4) == 0 ? (char) (0x80 + random.nextInt(0x3000))
                    : (char) (0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }
}
