package io.fleetevents.processor.capacity;

import io.fleetevents.processor.internal.BinaryReader;
import io.fleetevents.processor.internal.BinaryWriter;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Binary form of {@link AlertState} for the changelogged alert store. */
public final class AlertStateSerde implements Serde<AlertState>, Serializer<AlertState>, Deserializer<AlertState> {

    private static final int FORMAT_V1 = 1;

    @Override
    public byte[] serialize(String topic, AlertState state) {
        if (state == null) {
            return null;
        }
        BinaryWriter out = new BinaryWriter(32 + state.scopes().size() * 48).writeByte(FORMAT_V1)
                .writeLong(state.lastCompletedPoll()).writeInt(state.scopes().size());
        state.scopes().forEach((scope, a) -> out.writeString(scope).writeByte(a.level()).writeInt(a.aboveCycles())
                .writeBoolean(a.backlog()).writeDouble(a.lastUtilisation()));
        return out.toByteArray();
    }

    @Override
    public AlertState deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            BinaryReader in = new BinaryReader(data);
            if (in.readByte() != FORMAT_V1) {
                throw new SerializationException("unknown alert state format");
            }
            long last = in.readLong();
            int n = in.readInt();
            Map<String, AlertState.ScopeAlert> scopes = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                scopes.put(in.readString(), new AlertState.ScopeAlert(in.readByte(), in.readInt(), in.readBoolean(),
                        in.readDouble()));
            }
            return new AlertState(last, scopes);
        } catch (IllegalStateException e) {
            throw new SerializationException("corrupt alert state: " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // fixed format
    }

    @Override
    public void close() {
        // stateless
    }

    @Override
    public Serializer<AlertState> serializer() {
        return this;
    }

    @Override
    public Deserializer<AlertState> deserializer() {
        return this;
    }
}
