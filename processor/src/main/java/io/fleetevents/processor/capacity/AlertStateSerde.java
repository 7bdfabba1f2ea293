package io.fleetevents.processor.capacity;

import io.fleetevents.processor.internal.BinaryReader;
import io.fleetevents.processor.internal.BinarySerde;
import io.fleetevents.processor.internal.BinaryWriter;
import java.util.Map;
import java.util.TreeMap;

/** Binary form of {@link AlertState} for the changelogged alert store. */
public final class AlertStateSerde extends BinarySerde<AlertState> {

    private static final int FORMAT_V1 = 1;

    public AlertStateSerde() {
        super("alert state");
    }

    @Override
    protected byte[] write(AlertState state) {
        BinaryWriter out = new BinaryWriter(32 + state.scopes().size() * 48).writeByte(FORMAT_V1)
                .writeLong(state.lastCompletedPoll()).writeInt(state.scopes().size());
        state.scopes().forEach((scope, a) -> out.writeString(scope).writeByte(a.level()).writeInt(a.aboveCycles())
                .writeBoolean(a.backlog()).writeDouble(a.lastUtilisation()));
        return out.toByteArray();
    }

    @Override
    protected AlertState read(int format, BinaryReader in) {
        if (format != FORMAT_V1) {
            throw unknownFormat(format);
        }
        long last = in.readLong();
        int n = in.readInt();
        Map<String, AlertState.ScopeAlert> scopes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            scopes.put(in.readString(), new AlertState.ScopeAlert(in.readByte(), in.readInt(), in.readBoolean(),
                    in.readDouble()));
        }
        return new AlertState(last, scopes);
    }
}
