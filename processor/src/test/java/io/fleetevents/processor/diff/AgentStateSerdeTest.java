package io.fleetevents.processor.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.processor.internal.BinaryWriter;
import io.fleetevents.schemas.EventType;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AgentStateSerdeTest {

    private final AgentStateSerde serde = new AgentStateSerde();

    @Test
    void shouldRoundTripEveryField() {
        AgentState state = AgentState.builder().deployment("acme").pollId(42).agentKey("ws-1/main").agentId("a-1")
                .parentAgentId("p-1").workspaceName("fix").owner("alice").organization("coder").template("claude")
                .buildId("b-1").buildNumber(7).transition("start").buildFailed(true).status("disconnected")
                .lifecycle("ready").lastConnectedAt("2026-03-02T08:00:00Z").watermark(1_234_567L, "s-9")
                .turnOpen(true).taskStatus("active").working(true).buildPending(true).noProvisioner(true)
                .pendingDisconnectAt("2026-03-02T08:01:00Z").prebuild(true).buildStatus("running")
                .task("idle", "All tests pass", Instant.parse("2026-03-02T08:02:00.123456789Z"), "t-1")
                .lastEvent("e-1", EventType.TASK_COMPLETION, Instant.parse("2026-03-02T08:02:00.123456Z"))
                .observedAt(Instant.parse("2026-03-02T08:02:05.300Z")).build();

        AgentState read = serde.deserialize("t", serde.serialize("t", state));

        assertThat(read).isEqualTo(state);
    }

    @Test
    void shouldRoundTripAStateWithoutTaskEventOrObservation() {
        AgentState state = AgentState.builder().deployment("acme").pollId(1).agentKey("ws-1/").build();

        AgentState read = serde.deserialize("t", serde.serialize("t", state));

        assertThat(read).isEqualTo(state);
        assertThat(read.observedAt()).isNull();
        assertThat(read.lastEventType()).isNull();
    }

    @Test
    void shouldReadFormatTwoWrittenByThePreviousReleaseWithTheCurrentStateFieldsEmpty() {
        byte[] v2 = new BinaryWriter(256).writeByte(2).writeString("acme").writeLong(42).writeString("ws-1/main")
                .writeString("a-1").writeString(null).writeString("fix").writeString("alice").writeString("coder")
                .writeString("claude").writeString("b-1").writeInt(7).writeString("start").writeString("connected")
                .writeString("ready").writeString("2026-03-02T08:00:00Z").writeLong(5L).writeString("s-1")
                .writeString("active").writeString(null).writeByte(16).toByteArray();

        AgentState read = serde.deserialize("t", v2);

        assertThat(read).isEqualTo(AgentState.builder().deployment("acme").pollId(42).agentKey("ws-1/main")
                .agentId("a-1").workspaceName("fix").owner("alice").organization("coder").template("claude")
                .buildId("b-1").buildNumber(7).transition("start").status("connected").lifecycle("ready")
                .lastConnectedAt("2026-03-02T08:00:00Z").watermark(5L, "s-1").taskStatus("active").turnOpen(true)
                .build());
        assertThat(CurrentAgent.of(read)).as("listed again from its next snapshot").isNull();
    }

    @Test
    void shouldReadFormatOneWrittenByThePreviousRelease() {
        byte[] v1 = new BinaryWriter(256).writeByte(1).writeString("acme").writeLong(42).writeString("ws-1/main")
                .writeString("a-1").writeString(null).writeString("fix").writeString("alice").writeString("coder")
                .writeString("claude").writeString("b-1").writeString("connected").writeString("ready")
                .writeString("2026-03-02T08:00:00Z").writeString("1772438400000000:complete").writeString("active")
                .writeByte(1 | 2 | 8).toByteArray();

        AgentState read = serde.deserialize("t", v1);

        assertThat(read).isEqualTo(AgentState.builder().deployment("acme").pollId(42).agentKey("ws-1/main")
                .agentId("a-1").workspaceName("fix").owner("alice").organization("coder").template("claude")
                .buildId("b-1").buildFailed(true).status("connected").lifecycle("ready")
                .lastConnectedAt("2026-03-02T08:00:00Z").watermark(1772438400000000L, null).taskStatus("active")
                .working(true).noProvisioner(true).build());
    }

    @Test
    void shouldRejectAnUnknownFormatAndTruncatedBytesByName() {
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {9})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown agent state format 9");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[] {3, 0})).isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt agent state");
    }

    @Test
    void shouldKeepNullAsTheTombstone() {
        assertThat(serde.serialize("t", null)).isNull();
        assertThat(serde.deserialize("t", null)).isNull();
    }
}
