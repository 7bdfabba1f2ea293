package io.fleetevents.processor.bench;

import io.fleetevents.processor.diff.AgentDiff;
import io.fleetevents.processor.diff.AgentState;
import io.fleetevents.processor.diff.AgentStateSerde;
import io.fleetevents.processor.diff.DiffResult;
import io.fleetevents.processor.snapshot.AgentObservation;
import io.fleetevents.processor.snapshot.SnapshotReader;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.Topics;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** CPU cost per snapshot of the processor's own work (parse, diff, state serde, event JSON), without Kafka. */
public final class PureDiffBenchmark {

    public static void main(String[] args) {
        SnapshotWorkload workload = new SnapshotWorkload("bench", 2000);
        int n = 400_000;
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = workload.value(i);
        }
        SnapshotReader reader = new SnapshotReader();
        AgentStateSerde serde = new AgentStateSerde();
        tools.jackson.core.json.JsonFactory f = new tools.jackson.core.json.JsonFactory();
        for (int round = 0; round < 8; round++) {
            long pt = System.nanoTime();
            for (int i = 0; i < n; i++) {
                reader.read(values[i]);
            }
            System.out.printf(Locale.ROOT, "reader only: %.1f us/snapshot%n", (System.nanoTime() - pt) / 1e3 / n);
            long t = System.nanoTime();
            long tokens = 0;
            for (int i = 0; i < n; i++) {
                try (tools.jackson.core.JsonParser p = f.createParser(tools.jackson.core.ObjectReadContext.empty(), values[i])) {
                    while (p.nextToken() != null) {
                        tokens++;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "tokenize only: %.1f us/snapshot (%d tokens each)%n",
                    (System.nanoTime() - t) / 1e3 / n, tokens / n);
        }
        for (int round = 0; round < 3; round++) {
            Map<String, byte[]> store = new HashMap<>();
            long events = 0;
            long parseNanos = 0;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                AgentObservation o = (AgentObservation) reader.read(values[i]);
                parseNanos += System.nanoTime() - t0;
                byte[] prev = store.get(o.agentKey());
                DiffResult r = AgentDiff.between(prev == null ? null : serde.deserialize("t", prev), o);
                store.put(o.agentKey(), serde.serialize("t", r.next()));
                for (EventNotification e : r.events()) {
                    events += Topics.FLEET_EVENTS.valueSerde().serializer().serialize("t", e).length > 0 ? 1 : 0;
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "round %d: %,.0f snapshots/s (parse %.1f us/snapshot), %d events%n", round,
                    n / secs, parseNanos / 1e3 / n, events);
        }
    }
}
