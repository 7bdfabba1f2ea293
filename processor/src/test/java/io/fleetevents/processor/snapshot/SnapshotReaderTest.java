package io.fleetevents.processor.snapshot;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SnapshotReaderTest {

    private final SnapshotReader reader = new SnapshotReader();

    private static byte[] bytes(SnapshotRecord record) {
        return Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize("t", record);
    }

    @Test
    void shouldReadTheContractsTaskUnknownPrebuildAndEveryAppStatus() {
        Snapshots.Builder b = Snapshots.agent("alice/fix-flaky-tests.main").prebuild().taskUnknown()
                .appStatus("working", "on it", T0.plusSeconds(100))
                .appStatus("complete", "done", T0.plusSeconds(200));

        AgentObservation o = (AgentObservation) reader.read(bytes(b.build()));

        assertThat(o.taskUnknown()).isTrue();
        assertThat(o.task()).isNull();
        assertThat(o.workspace().prebuild()).isTrue();
        assertThat(o.agent().appStatuses()).extracting(AppStatus::state).containsExactlyInAnyOrder("working", "complete");
    }

    @Test
    void shouldReadTheDeparturesOfAMarker() {
        Snapshots.Builder stopped = Snapshots.agent("alice/fix-flaky-tests.main").buildNumber(2).transition("stop")
                .jobStatus("running").initiator("bob");
        SnapshotRecord marker = Snapshots.marker(Snapshots.DEPLOYMENT, 7, 0, 1, List.of(),
                java.util.Map.of(stopped.key(), Snapshots.departure(stopped)));

        MarkerObservation m = (MarkerObservation) reader.read(bytes(marker));

        assertThat(m.departures()).containsOnlyKeys(stopped.key());
        assertThat(m.departures().get(stopped.key())).satisfies(d -> {
            assertThat(d.reason()).isEqualTo("workspace_stopped");
            assertThat(d.buildNumber()).isEqualTo(2);
            assertThat(d.transition()).isEqualTo("stop");
            assertThat(d.initiator()).isEqualTo("bob");
        });
    }

    @Test
    void shouldRejectADepartureTheSchemasRejectWithItsReason() {
        String key = Snapshots.keyOf("alice/fix-flaky-tests.main");
        String marker = "{\"kind\":\"cycle_complete\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                + "\"observed_at\":\"2026-03-02T08:00:00Z\",\"partition\":0,\"partition_count\":1,\"agent_keys\":[],"
                + "\"departures\":{\"" + key + "\":{\"reason\":\"workspace_stopped\",\"build_id\":\"b\","
                + "\"build_number\":2,\"transition\":\"delete\",\"job_status\":\"running\",\"workspace_id\":\""
                + key.substring(0, key.indexOf('/')) + "\"}}}";

        assertThatThrownBy(() -> reader.read(marker.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSnapshotException.class).hasMessageContaining("transition must be 'stop'");
    }

    @Test
    void shouldExtractTheFieldsTheDiffNeedsFromACoderShapedSnapshot() {
        Snapshots.Builder b = Snapshots.agent("alice/fix-flaky-tests.main").pollId(42)
                .appStatus("working", "on it", T0.plusSeconds(100))
                .appStatus("complete", "done", T0.plusSeconds(200))
                .task("active", "complete", "done", T0.plusSeconds(200));

        AgentObservation o = (AgentObservation) reader.read(bytes(b.build()));

        assertThat(o.pollId()).isEqualTo(42);
        assertThat(o.agentKey()).isEqualTo(b.key());
        assertThat(o.agent().id()).isEqualTo(b.agentId());
        assertThat(o.agent().status()).isEqualTo("connected");
        assertThat(o.agent().lifecycle()).isEqualTo("ready");
        assertThat(o.agent().newestAppStatus().state()).isEqualTo("complete");
        assertThat(o.workspace().owner()).isEqualTo("alice");
        assertThat(o.workspace().name()).isEqualTo("fix-flaky-tests");
        assertThat(o.workspace().organization()).isEqualTo("coder");
        assertThat(o.workspace().template()).isEqualTo("claude-code");
        assertThat(o.workspace().transition()).isEqualTo("start");
        assertThat(o.workspace().buildStatus()).isEqualTo("running");
        assertThat(o.workspace().latestAppStatus().state()).isEqualTo("complete");
        assertThat(o.task().status()).isEqualTo("active");
        assertThat(o.task().currentState().state()).isEqualTo("complete");
    }

    @Test
    void shouldReadACycleMarker() {
        MarkerObservation m = (MarkerObservation) reader.read(bytes(Snapshots.marker("test", 7, 2, 6,
                List.of("ws-1/main", "ws-2/"))));

        assertThat(m.pollId()).isEqualTo(7);
        assertThat(m.partition()).isEqualTo(2);
        assertThat(m.partitionCount()).isEqualTo(6);
        assertThat(m.agentKeys()).containsExactlyInAnyOrder("ws-1/main", "ws-2/");
    }

    @Test
    void shouldRejectWhatBreaksTheContractWithAReason() {
        assertThatThrownBy(() -> read("{\"kind\":\"agent_snapshot\"")).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> read("[1]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> read("{\"schema_version\":1}")).hasMessageContaining("kind");
        assertThatThrownBy(() -> read("{\"kind\":\"other\",\"schema_version\":1,\"deployment\":\"d\",\"poll_id\":1,"
                + "\"observed_at\":\"2026-03-02T08:00:00Z\"}")).hasMessageContaining("unknown kind");
        assertThatThrownBy(() -> read("{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\","
                + "\"poll_id\":1,\"observed_at\":\"yesterday\",\"agent_key\":\"w/a\",\"workspace\":{},\"agent\":{}}"))
                .hasMessageContaining("RFC 3339");
        assertThatThrownBy(() -> read("{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\","
                + "\"poll_id\":1,\"observed_at\":\"2026-03-02T08:00:00Z\",\"agent_key\":\"w/\",\"workspace\":{},"
                + "\"agent\":{}}")).hasMessageContaining("names no agent");
        assertThatThrownBy(() -> read("{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\","
                + "\"poll_id\":1,\"observed_at\":\"2026-03-02T08:00:00Z\",\"agent_key\":\"w/a\",\"workspace\":{}}"))
                .hasMessageContaining("agent is required");
        assertThatThrownBy(() -> read("{\"kind\":\"agent_snapshot\",\"schema_version\":1,\"deployment\":\"d\","
                + "\"poll_id\":-1,\"observed_at\":\"2026-03-02T08:00:00Z\",\"agent_key\":\"w/a\",\"workspace\":{},"
                + "\"agent\":{}}")).hasMessageContaining("poll_id");
        assertThatThrownBy(() -> read(null)).isInstanceOf(InvalidSnapshotException.class);
    }

    /**
     * Property-style: random corruptions of valid snapshots. Whatever the schemas serde accepts, the lean reader
     * accepts too (it must never dead-letter a valid record); what it rejects, the serde rejects.
     */
    @Test
    void shouldAgreeWithTheSchemasSerdeOnRandomlyCorruptedSnapshots() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String valid = new String(bytes(Snapshots.agent("alice/ws.main").appStatus("working", "x",
                T0.plusSeconds(5)).task("active", "working", "x", T0.plusSeconds(5)).build()), StandardCharsets.UTF_8);
        String[] cuts = {"\"schema_version\":1", "\"deployment\":\"test\"", "\"poll_id\":1", "\"agent_key\":",
                "\"observed_at\":", "\"workspace\":", "\"agent\":", "\"kind\":\"agent_snapshot\""};
        for (int i = 0; i < 300; i++) {
            String mutated = valid;
            switch (random.nextInt(4)) {
                case 0 -> mutated = mutated.substring(0, random.nextInt(mutated.length()));
                case 1 -> {
                    String cut = cuts[random.nextInt(cuts.length)];
                    mutated = mutated.replace(cut, "\"x" + random.nextInt(9) + "\":" + (random.nextBoolean() ? "null" : "0"));
                }
                case 2 -> {
                    int at = random.nextInt(mutated.length());
                    mutated = mutated.substring(0, at) + "\"" + mutated.substring(at);
                }
                default -> mutated = mutated.replace("\"poll_id\":1", "\"poll_id\":\"" + random.nextInt(5) + "\"");
            }
            boolean serdeAccepts = serdeAccepts(mutated);
            boolean readerAccepts = readerAccepts(mutated);
            if (serdeAccepts) {
                assertThat(readerAccepts).as("seed %d, case %d: reader rejected a record the serde accepts: %s", seed,
                        i, mutated).isTrue();
            }
        }
    }

    private ParsedSnapshot read(String json) {
        return reader.read(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    private boolean readerAccepts(String json) {
        try {
            read(json);
            return true;
        } catch (InvalidSnapshotException e) {
            return false;
        }
    }

    private static boolean serdeAccepts(String json) {
        try {
            return Topics.AGENT_SNAPSHOTS.valueSerde().deserializer()
                    .deserialize("t", json.getBytes(StandardCharsets.UTF_8)) != null;
        } catch (SerializationException e) {
            return false;
        }
    }
}
