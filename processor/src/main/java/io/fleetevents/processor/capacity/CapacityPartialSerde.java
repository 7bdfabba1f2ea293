package io.fleetevents.processor.capacity;

import io.fleetevents.processor.internal.BinaryReader;
import io.fleetevents.processor.internal.BinaryWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Compact binary form of {@link CapacityPartial} for the repartition topic and the cycle store. */
public final class CapacityPartialSerde
        implements Serde<CapacityPartial>, Serializer<CapacityPartial>, Deserializer<CapacityPartial> {

    private static final int FORMAT_V1 = 1;

    @Override
    public byte[] serialize(String topic, CapacityPartial p) {
        if (p == null) {
            return null;
        }
        BinaryWriter out = new BinaryWriter(64 + p.workspaces().size() * 64)
                .writeByte(FORMAT_V1)
                .writeString(p.deployment())
                .writeLong(p.pollId())
                .writeLong(p.observedAt().getEpochSecond())
                .writeInt(p.observedAt().getNano())
                .writeInt(p.partition())
                .writeInt(p.partitionCount())
                .writeInt(p.counts().size());
        p.counts().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out
                .writeString(e.getKey()).writeInt(e.getValue().agents()).writeInt(e.getValue().connected())
                .writeInt(e.getValue().working()));
        out.writeInt(p.workspaces().size());
        for (WorkspaceEntry w : p.workspaces()) {
            out.writeString(w.workspaceId()).writeString(w.organization()).writeString(w.template())
                    .writeByte((w.buildPending() ? 1 : 0) | (w.noProvisioner() ? 2 : 0));
        }
        return out.toByteArray();
    }

    @Override
    public CapacityPartial deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            BinaryReader in = new BinaryReader(data);
            int format = in.readByte();
            if (format != FORMAT_V1) {
                throw new SerializationException("unknown capacity partial format " + format);
            }
            String deployment = in.readString();
            long pollId = in.readLong();
            Instant observedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
            int partition = in.readInt();
            int partitionCount = in.readInt();
            int scopes = in.readInt();
            Map<String, ScopeCounts> counts = new HashMap<>();
            for (int i = 0; i < scopes; i++) {
                counts.put(in.readString(), new ScopeCounts(in.readInt(), in.readInt(), in.readInt()));
            }
            int size = in.readInt();
            List<WorkspaceEntry> workspaces = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                String id = in.readString();
                String org = in.readString();
                String template = in.readString();
                int flags = in.readByte();
                workspaces.add(new WorkspaceEntry(id, org, template, (flags & 1) != 0, (flags & 2) != 0));
            }
            return new CapacityPartial(deployment, pollId, observedAt, partition, partitionCount, counts, workspaces);
        } catch (IllegalStateException e) {
            throw new SerializationException("corrupt capacity partial: " + e.getMessage(), e);
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
    public Serializer<CapacityPartial> serializer() {
        return this;
    }

    @Override
    public Deserializer<CapacityPartial> deserializer() {
        return this;
    }
}
