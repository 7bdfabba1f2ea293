package io.fleetevents.processor.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.processor.internal.BinaryWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CapacityPartialSerdeTest {

    private static final Instant AT = Instant.parse("2026-11-26T07:00:00.123456789Z");
    private final CapacityPartialSerde serde = new CapacityPartialSerde();

    private static CapacityPartial partial(List<WorkspaceEntry> workspaces) {
        return new CapacityPartial("coder.example.com", 1_764_140_400_000L, AT, 2, 6,
                Map.of("fleet", new ScopeCounts(10, 7, 3), "org/coder", new ScopeCounts(4, 4, 1)), workspaces);
    }

    @Test
    void shouldRoundTripEveryKindOfWorkspaceEntry() {
        CapacityPartial original = partial(List.of(
                new WorkspaceEntry("0c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f", "coder", "claude-code", false, false),
                new WorkspaceEntry("0C9D8E7F-6A5B-4C3D-8E1F-0A9B8C7D6E5F", "coder", "goose", true, false),
                new WorkspaceEntry("not-a-uuid", "research", "claude-code", false, true),
                new WorkspaceEntry("f1698104-2ab6-43b7-9660-127d13fc66f1", null, null, true, true),
                new WorkspaceEntry("ws-\u00e9t\u00e9", "\u00e9quipe", "mod\u00e8le", false, false)));

        CapacityPartial read = serde.deserialize("t", serde.serialize("t", original));

        assertThat(read).isEqualTo(original);
    }

    @Test
    void shouldFitTheWorkspacesOfAFleetOfTwoHundredThousandInKafkasDefaultRecordSize() {
        // 200,000 workspaces over 6 partitions: ~33,000 in one partition's partial, every one of them listed
        Random random = new Random(26);
        List<WorkspaceEntry> workspaces = new ArrayList<>();
        for (int i = 0; i < 34_000; i++) {
            workspaces.add(new WorkspaceEntry(new UUID(random.nextLong(), random.nextLong()).toString(),
                    i % 5 == 0 ? "research" : "coder", List.of("claude-code", "goose", "devbox").get(i % 3),
                    i % 50 == 0, i % 500 == 0));
        }
        CapacityPartial original = partial(workspaces);

        byte[] bytes = serde.serialize("t", original);

        assertThat(bytes.length).isLessThan(1_000_000);
        assertThat(serde.deserialize("t", bytes)).isEqualTo(original);
    }

    @Test
    void shouldStillReadFormatOneWrittenBeforeAnUpgrade() {
        BinaryWriter v1 = new BinaryWriter(256).writeByte(1).writeString("coder.example.com")
                .writeLong(42).writeLong(AT.getEpochSecond()).writeInt(AT.getNano()).writeInt(2).writeInt(6)
                .writeInt(1).writeString("fleet").writeInt(10).writeInt(7).writeInt(3)
                .writeInt(2)
                .writeString("0c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f").writeString("coder").writeString("goose").writeByte(1)
                .writeString("ws-2").writeString(null).writeString(null).writeByte(2);

        CapacityPartial read = serde.deserialize("t", v1.toByteArray());

        assertThat(read).isEqualTo(new CapacityPartial("coder.example.com", 42, AT, 2, 6,
                Map.of("fleet", new ScopeCounts(10, 7, 3)), List.of(
                new WorkspaceEntry("0c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f", "coder", "goose", true, false),
                new WorkspaceEntry("ws-2", null, null, false, true))));
    }

    @Test
    void shouldStillReadFormatTwoWrittenBeforePrebuildsWereCounted() {
        BinaryWriter v2 = new BinaryWriter(256).writeByte(2).writeString("coder.example.com")
                .writeLong(42).writeLong(AT.getEpochSecond()).writeInt(AT.getNano()).writeInt(2).writeInt(6)
                .writeInt(1).writeString("fleet").writeInt(10).writeInt(7).writeInt(3)
                .writeInt(1).writeString("coder")
                .writeInt(1).writeByte(1).writeString("ws-2").writeInt(0).writeInt(-1).writeByte(1);

        CapacityPartial read = serde.deserialize("t", v2.toByteArray());

        assertThat(read).isEqualTo(new CapacityPartial("coder.example.com", 42, AT, 2, 6,
                Map.of("fleet", new ScopeCounts(10, 7, 3, 0)),
                List.of(new WorkspaceEntry("ws-2", "coder", null, true, false, false))));
    }

    @Test
    void shouldCarryPrebuiltCountsAndFlags() {
        CapacityPartial partial = new CapacityPartial("d", 7, AT, 0, 1, Map.of("fleet", new ScopeCounts(3, 2, 1, 4)),
                List.of(new WorkspaceEntry("0c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f", "coder", "goose", false, false,
                        true)));

        assertThat(serde.deserialize("t", serde.serialize("t", partial))).isEqualTo(partial);
    }

    @Test
    void shouldRejectTruncatedAndUnknownFormatsWithASerializationException() {
        byte[] bytes = serde.serialize("t", partial(List.of(
                new WorkspaceEntry("0c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f", "coder", "goose", false, false))));
        byte[] unknown = bytes.clone();
        unknown[0] = 9;

        for (int length = 1; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> serde.deserialize("t", truncated)).as("first %d bytes", length)
                    .isInstanceOf(SerializationException.class);
        }
        assertThatThrownBy(() -> serde.deserialize("t", unknown)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("format 9");
    }
}
