package io.fleetevents.schemas;

import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A read position in {@code fleet.events}: for each partition, the offset of the next record to read. The
 * broadcaster stamps every delivered event with the position just after it; resuming from a token replays each
 * partition from its offset, so nothing is missed and nothing repeats.
 *
 * <p>Wire form: unpadded URL-safe base64 of {@code version (1 byte = 1), count (varint), then count times
 * partition (varint, strictly increasing) and next offset (varint)}. Unsigned LEB128 varints keep a 6-partition
 * token around 20 characters.
 *
 * @param positions partition to next offset; at least one entry, partitions and offsets {@code >= 0}
 */
public record ResumeToken(Map<Integer, Long> positions) {

    /** The only token version this release reads and writes. */
    public static final int VERSION = 1;

    /** Longest accepted token text; larger input is rejected before decoding. */
    public static final int MAX_TEXT_LENGTH = 65_536;

    private static final int MAX_PARTITIONS = 100_000;

    public ResumeToken {
        if (positions == null || positions.isEmpty()) {
            throw new IllegalArgumentException("a resume token needs at least one partition position");
        }
        TreeMap<Integer, Long> sorted = new TreeMap<>();
        for (Map.Entry<Integer, Long> entry : positions.entrySet()) {
            if (entry.getKey() == null || entry.getKey() < 0 || entry.getValue() == null || entry.getValue() < 0) {
                throw new IllegalArgumentException("partitions and offsets must be >= 0, got " + entry);
            }
            sorted.put(entry.getKey(), entry.getValue());
        }
        positions = Collections.unmodifiableSortedMap(sorted);
    }

    /** The next offset to read on {@code partition}, or -1 when the token has no position for it. */
    public long nextOffset(int partition) {
        Long offset = positions.get(partition);
        return offset == null ? -1 : offset;
    }

    /** This token with {@code partition}'s position set to {@code nextOffset}. */
    public ResumeToken with(int partition, long nextOffset) {
        TreeMap<Integer, Long> copy = new TreeMap<>(positions);
        copy.put(partition, nextOffset);
        return new ResumeToken(copy);
    }

    /** The wire form. */
    public String encode() {
        byte[] bytes = new byte[1 + 5 + positions.size() * (5 + 10)];
        bytes[0] = VERSION;
        int at = writeVarint(bytes, 1, positions.size());
        for (Map.Entry<Integer, Long> entry : positions.entrySet()) {
            at = writeVarint(bytes, at, entry.getKey());
            at = writeVarint(bytes, at, entry.getValue());
        }
        return base64(bytes, at);
    }

    /**
     * The wire form of the token whose partitions are {@code 0 .. nextOffsets.length - 1}, without building a
     * {@code ResumeToken}: what a server stamps on every delivered frame, so it is allocation-light.
     *
     * @param nextOffsets next offset per partition (index = partition), each {@code >= 0}
     */
    public static String encode(long[] nextOffsets) {
        if (nextOffsets.length == 0) {
            throw new IllegalArgumentException("a resume token needs at least one partition position");
        }
        byte[] bytes = new byte[1 + 5 + nextOffsets.length * (5 + 10)];
        bytes[0] = VERSION;
        int at = writeVarint(bytes, 1, nextOffsets.length);
        for (int p = 0; p < nextOffsets.length; p++) {
            if (nextOffsets[p] < 0) {
                throw new IllegalArgumentException("partitions and offsets must be >= 0, got " + p + "="
                        + nextOffsets[p]);
            }
            at = writeVarint(bytes, at, p);
            at = writeVarint(bytes, at, nextOffsets[p]);
        }
        return base64(bytes, at);
    }

    /**
     * Decodes the wire form.
     *
     * @throws InvalidResumeTokenException for anything that is not a token this release wrote: null, empty, too
     *                                     long, not base64url, wrong version, truncated, trailing bytes,
     *                                     partitions out of order, negative or overflowing numbers
     */
    public static ResumeToken decode(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("it is empty");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw invalid("it is " + text.length() + " characters long, more than any token this server issues");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw invalid("it is not URL-safe base64 (" + e.getMessage() + ")");
        }
        Reader reader = new Reader(bytes);
        int version = reader.nextByte();
        if (version != VERSION) {
            throw invalid("its version is " + version + " but this server reads version " + VERSION);
        }
        long count = reader.varint();
        if (count < 1 || count > MAX_PARTITIONS) {
            throw invalid("it lists " + count + " partitions");
        }
        TreeMap<Integer, Long> positions = new TreeMap<>();
        long previous = -1;
        for (long i = 0; i < count; i++) {
            long partition = reader.varint();
            if (partition <= previous || partition > Integer.MAX_VALUE) {
                throw invalid("its partitions are not strictly increasing");
            }
            previous = partition;
            positions.put((int) partition, reader.varint());
        }
        if (reader.remaining() > 0) {
            throw invalid("it has " + reader.remaining() + " unexpected trailing bytes");
        }
        return new ResumeToken(positions);
    }

    @Override
    public String toString() {
        return encode();
    }

    private static InvalidResumeTokenException invalid(String why) {
        return new InvalidResumeTokenException("malformed resume token: " + why
                + ". Send back exactly the resume-token value of a delivered event, or use replay-from instead");
    }

    private static String base64(byte[] bytes, int length) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, length));
    }

    private static int writeVarint(byte[] out, int at, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int nextByte() {
            if (position >= bytes.length) {
                throw invalid("it is truncated");
            }
            return bytes[position++] & 0xFF;
        }

        long varint() {
            long result = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                int b = nextByte();
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw invalid("it contains a number larger than a Kafka offset");
        }

        int remaining() {
            return bytes.length - position;
        }
    }
}
