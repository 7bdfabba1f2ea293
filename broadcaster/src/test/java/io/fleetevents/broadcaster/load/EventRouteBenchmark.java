package io.fleetevents.broadcaster.load;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Events;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * CPU per event of what the broadcaster does with each record it reads (live feed and every replay reader): take
 * the event's route off its JSON. Compares the lean reader ({@link EventRoute#readCanonical}) with decoding the whole
 * {@link EventNotification} (the previous path), on one thread, in alternating rounds, on two workloads: events shaped
 * like the processor's (before/after, metadata) and the load tool's minimal ones. Prints ns per event and the ratio.
 *
 * <pre>java -cp broadcaster/target/test-classes:broadcaster/target/classes:$(cat broadcaster/target/load-classpath.txt) \
 *     io.fleetevents.broadcaster.load.EventRouteBenchmark [rounds]</pre>
 */
public final class EventRouteBenchmark {

    private static final Deserializer<EventNotification> FULL = Topics.FLEET_EVENTS.valueSerde().deserializer();
    private static volatile Object sink;

    private EventRouteBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        byte[][] processorShaped = events(true);
        byte[][] minimal = events(false);
        System.out.printf("event JSON: processor-shaped %d B, minimal %d B (average)%n", average(processorShaped), average(minimal));
        for (byte[][] workload : List.of(processorShaped, minimal)) {
            String name = workload == processorShaped ? "processor-shaped" : "minimal";
            run(workload, true, 3);
            run(workload, false, 3);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                boolean leanFirst = r % 2 == 0;
                double first = run(workload, leanFirst, 1);
                double second = run(workload, !leanFirst, 1);
                double lean = leanFirst ? first : second;
                double full = leanFirst ? second : first;
                ratios[r] = lean / full;
                System.out.printf("%s round %d: lean %.0f ns/event, full decode %.0f ns/event, lean/full %.2f%n",
                        name, r + 1, lean, full, ratios[r]);
            }
            Arrays.sort(ratios);
            System.out.printf("%s: lean/full median %.2f (min %.2f, max %.2f)%n", name, ratios[rounds / 2], ratios[0],
                    ratios[rounds - 1]);
        }
    }

    /** ns per event over {@code passes} passes of the workload. */
    private static double run(byte[][] workload, boolean lean, int passes) {
        long start = System.nanoTime();
        int count = 0;
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < 100; i++) {
                for (byte[] json : workload) {
                    sink = lean ? EventRoute.readCanonical(json) : EventRoute.of(FULL.deserialize("fleet.events", json));
                    count++;
                }
            }
        }
        return (System.nanoTime() - start) / (double) count;
    }

    private static byte[][] events(boolean processorShaped) {
        List<byte[]> events = new ArrayList<>();
        EventType[] types = EventType.values();
        for (int i = 0; i < 2_000; i++) {
            Events.Builder builder = Events.of(types[i % types.length], "owner" + (i % 10) + "/ws" + (i % 3) + ".main")
                    .sequence(i);
            EventNotification event = builder.build();
            if (processorShaped) {
                builder.metadata("reason", "workspace_stopped").metadata("last_seen", "2026-11-26T10:00:00.123456Z")
                        .metadata("previous_agent_id", "6f1c0d3e-5b1a-4f2e-9d8c-7a6b5c4d3e2f");
                EventNotification base = builder.build();
                event = new EventNotification(base.eventId(), base.eventType(), EventSeverity.WARNING, base.timestamp(),
                        base.agentId(), "task-" + i, "Agent main of owner/ws stopped reporting: it was working on task " + i,
                        base.metadata(), base.agent(),
                        Map.of("status", "connected", "lifecycle_state", "ready", "app_status", "working"),
                        Map.of("status", "disconnected", "lifecycle_state", "ready", "app_status", "working"),
                        base.observedAt(), base.schemaVersion());
            }
            events.add(FleetJson.mapper().writeValueAsBytes(event));
        }
        return events.toArray(new byte[0][]);
    }

    private static int average(byte[][] events) {
        long total = 0;
        for (byte[] event : events) {
            total += event.length;
        }
        return (int) (total / events.length);
    }
}
