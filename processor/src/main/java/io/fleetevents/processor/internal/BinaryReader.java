package io.fleetevents.processor.internal;

import java.nio.charset.StandardCharsets;

/** Reads what {@link BinaryWriter} wrote; throws {@link IllegalStateException} on truncated input. */
public final class BinaryReader {

    private final byte[] data;
    private int position;

    public BinaryReader(byte[] data) {
        this.data = data;
    }

    public int readByte() {
        require(1);
        return data[position++];
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public int readInt() {
        require(4);
        int value = ((data[position] & 0xff) << 24) | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8) | (data[position + 3] & 0xff);
        position += 4;
        return value;
    }

    public long readLong() {
        long high = readInt();
        long low = readInt() & 0xffffffffL;
        return (high << 32) | low;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public String readString() {
        int length = readInt();
        if (length < 0) {
            return null;
        }
        require(length);
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    private void require(int bytes) {
        if (position + bytes > data.length) {
            throw new IllegalStateException("truncated binary value: need " + bytes + " bytes at " + position
                    + " of " + data.length);
        }
    }
}
