package io.fleetevents.processor.capacity;

import io.fleetevents.processor.internal.BinaryReader;
import io.fleetevents.processor.internal.BinarySerde;
import io.fleetevents.processor.internal.BinaryWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Compact binary form of {@link CapacityPartial} for the repartition topic and the cycle store.
 *
 * <p>A partial lists every workspace of its partition, so its size grows with the fleet: one record per partition
 * per cycle. Formats 2 and 3 store each workspace id as 16 bytes when it is a canonical UUID (Coder's ids are)
 * and the organization and template names once, in a dictionary: ~26 bytes per workspace, against ~70 in format 1.
 * Format 3 (written) adds the prebuilt agents per scope and a prebuild flag per workspace. Formats 1 and 2 are still
 * read (no prebuilds), so partials already in a repartition topic or changelog survive an upgrade. At 26 bytes, Kafka's
 * default 1 MB record holds ~40,000 workspaces per partition; {@code StreamsSettings} raises the limit of the
 * internal topics to 8 MB on top.
 */
public final class CapacityPartialSerde extends BinarySerde<CapacityPartial> {

    private static final int FORMAT_V1 = 1;
    private static final int FORMAT_V2 = 2;
    private static final int FORMAT_V3 = 3;
    private static final int ID_UUID = 0;
    private static final int ID_TEXT = 1;
    private static final int NONE = -1;

    public CapacityPartialSerde() {
        super("capacity partial");
    }

    @Override
    protected byte[] write(CapacityPartial p) {
        BinaryWriter out = new BinaryWriter(128 + p.workspaces().size() * 26)
                .writeByte(FORMAT_V3)
                .writeString(p.deployment())
                .writeLong(p.pollId())
                .writeLong(p.observedAt().getEpochSecond())
                .writeInt(p.observedAt().getNano())
                .writeInt(p.partition())
                .writeInt(p.partitionCount())
                .writeInt(p.counts().size());
        p.counts().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> out
                .writeString(e.getKey()).writeInt(e.getValue().agents()).writeInt(e.getValue().connected())
                .writeInt(e.getValue().working()).writeInt(e.getValue().prebuilt()));
        Map<String, Integer> dictionary = new LinkedHashMap<>();
        for (WorkspaceEntry w : p.workspaces()) {
            if (w.organization() != null) {
                dictionary.putIfAbsent(w.organization(), dictionary.size());
            }
            if (w.template() != null) {
                dictionary.putIfAbsent(w.template(), dictionary.size());
            }
        }
        out.writeInt(dictionary.size());
        dictionary.keySet().forEach(out::writeString);
        out.writeInt(p.workspaces().size());
        for (WorkspaceEntry w : p.workspaces()) {
            UUID uuid = canonicalUuid(w.workspaceId());
            if (uuid != null) {
                out.writeByte(ID_UUID).writeLong(uuid.getMostSignificantBits()).writeLong(uuid.getLeastSignificantBits());
            } else {
                out.writeByte(ID_TEXT).writeString(w.workspaceId());
            }
            out.writeInt(w.organization() == null ? NONE : dictionary.get(w.organization()))
                    .writeInt(w.template() == null ? NONE : dictionary.get(w.template()))
                    .writeByte((w.buildPending() ? 1 : 0) | (w.noProvisioner() ? 2 : 0) | (w.prebuild() ? 4 : 0));
        }
        return out.toByteArray();
    }

    /** The UUID whose canonical text is exactly {@code id}, else null (the id is then stored as text). */
    private static UUID canonicalUuid(String id) {
        if (id == null || id.length() != 36) {
            return null;
        }
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? uuid : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    protected CapacityPartial read(int format, BinaryReader in) {
        if (format != FORMAT_V1 && format != FORMAT_V2 && format != FORMAT_V3) {
            throw unknownFormat(format);
        }
        String deployment = in.readString();
        long pollId = in.readLong();
        Instant observedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
        int partition = in.readInt();
        int partitionCount = in.readInt();
        int scopes = in.readInt();
        Map<String, ScopeCounts> counts = new HashMap<>();
        for (int i = 0; i < scopes; i++) {
            counts.put(in.readString(), new ScopeCounts(in.readInt(), in.readInt(), in.readInt(),
                    format >= FORMAT_V3 ? in.readInt() : 0));
        }
        List<WorkspaceEntry> workspaces = format == FORMAT_V1 ? workspacesV1(in) : workspacesV2(in);
        return new CapacityPartial(deployment, pollId, observedAt, partition, partitionCount, counts, workspaces);
    }

    private static List<WorkspaceEntry> workspacesV1(BinaryReader in) {
        int size = in.readInt();
        List<WorkspaceEntry> workspaces = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String id = in.readString();
            String org = in.readString();
            String template = in.readString();
            int flags = in.readByte();
            workspaces.add(new WorkspaceEntry(id, org, template, (flags & 1) != 0, (flags & 2) != 0));
        }
        return workspaces;
    }

    private static List<WorkspaceEntry> workspacesV2(BinaryReader in) {
        String[] dictionary = new String[in.readInt()];
        for (int i = 0; i < dictionary.length; i++) {
            dictionary[i] = in.readString();
        }
        int size = in.readInt();
        List<WorkspaceEntry> workspaces = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int idKind = in.readByte();
            String id = switch (idKind) {
                case ID_UUID -> new UUID(in.readLong(), in.readLong()).toString();
                case ID_TEXT -> in.readString();
                default -> throw new IllegalStateException("unknown workspace id kind " + idKind);
            };
            int org = in.readInt();
            int template = in.readInt();
            int flags = in.readByte();
            workspaces.add(new WorkspaceEntry(id, org == NONE ? null : dictionary[org],
                    template == NONE ? null : dictionary[template], (flags & 1) != 0, (flags & 2) != 0,
                    (flags & 4) != 0));
        }
        return workspaces;
    }
}
