package io.fleetevents.processor.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends primitives and nullable strings to a growable byte array. Paired with {@link BinaryReader}; used for
 * the compact state and repartition values, which are read and written once per record and must stay cheap.
 */
public final class BinaryWriter {

    private byte[] buffer;
    private int size;

    public BinaryWriter(int initialCapacity) {
        this.buffer = new byte[Math.max(16, initialCapacity)];
    }

    public BinaryWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    public BinaryWriter writeInt(int value) {
        ensure(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeLong(long value) {
        writeInt((int) (value >>> 32));
        return writeInt((int) value);
    }

    public BinaryWriter writeDouble(double value) {
        return writeLong(Double.doubleToLongBits(value));
    }

    /** A string as a length (-1 for null) followed by its UTF-8 bytes. */
    public BinaryWriter writeString(String value) {
        if (value == null) {
            return writeInt(-1);
        }
        // Fast path for ASCII (ids, names, states, timestamps): copied straight in, no intermediate byte[].
        int length = value.length();
        ensure(4 + length);
        int start = size + 4;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return writeUtf8(value);
            }
            buffer[start + i] = (byte) c;
        }
        writeInt(length);
        size += length;
        return this;
    }

    private BinaryWriter writeUtf8(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeInt(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
