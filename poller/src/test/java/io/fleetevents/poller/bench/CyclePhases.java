package io.fleetevents.poller.bench;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.CoderSimConfig;
import io.fleetevents.poller.coder.CoderJsonParser;
import io.fleetevents.poller.snapshot.AgentObservation;
import io.fleetevents.poller.snapshot.Fingerprint;
import io.fleetevents.poller.snapshot.TickingFields;
import io.fleetevents.poller.snapshot.WorkspaceSplitter;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.RawJson;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Where the poller's CPU goes in a first cycle, phase by phase, on an in-memory response (no network, no broker). */
public final class CyclePhases {

    private CyclePhases() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body;
        try (CoderSim sim = CoderSim.start(CoderSimConfig.builder().workspaces(10_000).scripted().build())) {
            body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sim.url().resolve("/api/v2/workspaces"))
                    .header("Coder-Session-Token", sim.token()).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        }
        System.out.printf("body %,d KB%n", body.length / 1024);
        TickingFields ticking = new TickingFields(TickingFields.DEFAULTS);
        var serde = Topics.AGENT_SNAPSHOTS.valueSerde().serializer();
        var threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 4; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            List<ObjectNode> all = new ArrayList<>();
            CoderJsonParser.create().workspaces(new ByteArrayInputStream(body), all::add);
            long c1 = threads.getCurrentThreadCpuTime();
            List<AgentObservation> obs = new ArrayList<>();
            for (ObjectNode ws : all) {
                obs.addAll(WorkspaceSplitter.split(ws, Map.of()));
            }
            long c2 = threads.getCurrentThreadCpuTime();
            long h = 0;
            for (AgentObservation o : obs) {
                h ^= Fingerprint.of(o, ticking);
            }
            long c3 = threads.getCurrentThreadCpuTime();
            List<AgentSnapshot> snaps = new ArrayList<>();
            Instant now = Instant.now();
            for (AgentObservation o : obs) {
                snaps.add(new AgentSnapshot(1, "d", 1, now, o.key(), o.agent() == null ? null : RawJson.of(o.agent()),
                        RawJson.of(o.workspace()), null));
            }
            long c4 = threads.getCurrentThreadCpuTime();
            var mapper = tools.jackson.databind.json.JsonMapper.builder().build();
            long alt = 0;
            for (AgentObservation o : obs) {
                if (o.agent() != null) {
                    alt += new RawJson(new String(mapper.writeValueAsBytes(o.agent()),
                            java.nio.charset.StandardCharsets.UTF_8)).json().length();
                }
                alt += new RawJson(new String(mapper.writeValueAsBytes(o.workspace()),
                        java.nio.charset.StandardCharsets.UTF_8)).json().length();
            }
            long c4b = threads.getCurrentThreadCpuTime();
            System.out.printf("  RawJson via bytes: %d ms%n", (c4b - c4) / 1_000_000);
            c4 = threads.getCurrentThreadCpuTime();
            long bytes = 0;
            for (AgentSnapshot s : snaps) {
                bytes += serde.serialize("t", s).length;
            }
            long c5 = threads.getCurrentThreadCpuTime();
            System.out.printf("round %d: parse %d ms, split %d ms, fingerprint %d ms, RawJson %d ms, serialise %d ms"
                    + " (%,d KB) %d%n", round, (c1 - c0) / 1_000_000, (c2 - c1) / 1_000_000, (c3 - c2) / 1_000_000,
                    (c4 - c3) / 1_000_000, (c5 - c4) / 1_000_000, bytes / 1024, h & 1);
        }
    }
}
