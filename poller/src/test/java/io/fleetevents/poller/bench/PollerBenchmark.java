package io.fleetevents.poller.bench;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.codersim.CoderSimConfig;
import io.fleetevents.poller.coder.HttpCoderClient;
import io.fleetevents.poller.cycle.CycleOutcome;
import io.fleetevents.poller.cycle.PollCycle;
import io.fleetevents.poller.cycle.PollIds;
import io.fleetevents.poller.publish.KafkaSnapshotSink;
import io.fleetevents.poller.snapshot.ChangeDetector;
import io.fleetevents.poller.snapshot.TickingFields;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark of the poller's cycle (a program, not a test): a coder-sim fleet of {@code workspaces} (default 10,000),
 * a real broker ({@code KAFKA_BOOTSTRAP_SERVERS}, else an embedded KRaft broker in this JVM), then one first cycle
 * (everything new; run twice: cold JVM, then warm with the change detector reset) and {@code steady} steady cycles
 * where exactly 1 % of the agents changed. Prints, per cycle: wall time, process and poll-thread CPU, CPU by thread
 * group (simulator, broker, producer, JIT compilers, GC), peak heap used during the cycle (whole JVM: simulator and
 * embedded broker included), records and bytes written (serialised, and on the wire after zstd).
 *
 * <p>Arguments: {@code [workspaces] [steadyCycles] [warmUps]}; {@code warmUps} (default 0) more first cycles run
 * between the cold and the measured warm one, for a JVM whose JIT compilers have settled. Command: see
 * docs/poller.md.
 */
public final class PollerBenchmark {

    private PollerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int workspaces = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int steadyCycles = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // extra first cycles between the cold and the measured warm one: the JIT is still compiling after one cycle
        int warmUps = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        String bootstrap = KafkaTestBroker.bootstrapServers();
        String topic = KafkaTestBroker.uniqueTopic("bench-snapshots");
        System.out.printf("poller benchmark: %,d workspaces, broker %s, max heap %d MB, %d cpus%n", workspaces,
                bootstrap, Runtime.getRuntime().maxMemory() / (1024 * 1024),
                Runtime.getRuntime().availableProcessors());
        try (CoderSim sim = CoderSim.start(CoderSimConfig.builder().workspaces(workspaces).scripted().seed(42).idSeed(42)
                .build());
             HttpCoderClient coder = new HttpCoderClient(new HttpCoderClient.Settings(sim.url(), sim.token(), 0,
                     Duration.ofSeconds(5), Duration.ofSeconds(60), true, Duration.ofMinutes(5), 4,
                     Duration.ofMillis(200), Duration.ofSeconds(5)), null, Clock.systemUTC());
             KafkaSnapshotSink sink = new KafkaSnapshotSink(Topics.AGENT_SNAPSHOTS.withName(topic), bootstrap,
                     "poller-bench", producerOverrides(), new KafkaSnapshotSink.TopicSettings(true, 6, (short) 1, Map.of()))) {
            int agents = sim.agentPaths().size();
            System.out.printf("fleet: %s%n", sim.summary());
            ChangeDetector detector = new ChangeDetector(Duration.ofMinutes(5));
            PollCycle cycle = new PollCycle(coder, sink, detector,
                    new TickingFields(TickingFields.DEFAULTS), "bench", Duration.ofSeconds(120), Clock.systemUTC());
            PollIds ids = new PollIds(Clock.systemUTC());
            breakdown(sim, coder);
            System.out.println();
            System.out.println("cycle    | changed | time ms | peak heap MB | records | snapshots | serialised KB"
                    + " | wire KB (zstd)");
            Row cold = measure("cold", cycle, ids, sink, 0);
            cold.print();
            for (int i = 1; i <= warmUps; i++) {
                detector.reset();
                measure("warm-up " + i, cycle, ids, sink, 0).print();
            }
            // the same first cycle again with a warm JVM: the detector forgets everything, so all is new again
            detector.reset();
            Row first = measure("first", cycle, ids, sink, 0);
            first.print();
            Row sum = null;
            for (int i = 1; i <= steadyCycles; i++) {
                List<String> changed = sim.churn(Math.max(1, agents / 100));
                Row row = measure("steady " + i, cycle, ids, sink, changed.size());
                row.print();
                sum = sum == null ? row : sum.plus(row);
            }
            if (sum != null) {
                System.out.println();
                System.out.printf("cold first cycle (JVM not warmed up): %d ms, %.1f MB peak heap%n", cold.millis,
                        cold.peakHeapMb);
                System.out.printf("first cycle: %d ms, %.1f MB peak heap, %,d records, %,d KB serialised, %,d KB on"
                                + " the wire%n", first.millis, first.peakHeapMb, first.records, first.bytes / 1024,
                        first.wireBytes / 1024);
                System.out.printf("steady mean: %d ms, %.1f MB peak heap, %,d records, %,d KB serialised (%.2f %% of"
                                + " first), %,d KB on the wire (%.2f %% of first)%n", sum.millis / steadyCycles,
                        sum.peakHeapMb / steadyCycles, sum.records / steadyCycles, sum.bytes / steadyCycles / 1024,
                        100.0 * sum.bytes / steadyCycles / first.bytes, sum.wireBytes / steadyCycles / 1024,
                        100.0 * sum.wireBytes / steadyCycles / first.wireBytes);
            }
        }
        System.exit(0);
    }

    /** Where a cycle's time goes: the simulator's answer, the streaming parse, splitting and fingerprinting. */
    private static void breakdown(CoderSim sim, HttpCoderClient coder) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        TickingFields ticking = new TickingFields(TickingFields.DEFAULTS);
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            java.net.http.HttpResponse<java.io.InputStream> response = http.send(java.net.http.HttpRequest
                    .newBuilder(sim.url().resolve("/api/v2/workspaces?limit=0"))
                    .header("Coder-Session-Token", sim.token()).header("Accept-Encoding", "gzip").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            long gzipBytes;
            try (java.io.InputStream in = response.body()) {
                gzipBytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            long t1 = System.nanoTime();
            int[] count = {0};
            coder.streamWorkspaces(java.time.Instant.now().plusSeconds(120), ws -> count[0]++);
            long t2 = System.nanoTime();
            long[] hash = {0};
            coder.streamWorkspaces(java.time.Instant.now().plusSeconds(120), ws -> {
                for (var o : io.fleetevents.poller.snapshot.WorkspaceSplitter.split(ws, Map.of())) {
                    hash[0] ^= io.fleetevents.poller.snapshot.Fingerprint.of(o, ticking);
                }
            });
            long t3 = System.nanoTime();
            System.out.printf("breakdown %d: simulator answer + transfer %d ms (%,d KB gzip); + gunzip + streaming"
                            + " parse %d ms; + split + fingerprint %d ms (%d workspaces)%n", round,
                    (t1 - t0) / 1_000_000, gzipBytes / 1024, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
                    count[0]);
        }
    }

    /** {@code -Dbench.producer=k=v,...}: producer properties on top of the poller's (for same-machine A/Bs). */
    private static Map<String, String> producerOverrides() {
        Map<String, String> overrides = new java.util.HashMap<>();
        for (String pair : System.getProperty("bench.producer", "").split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                overrides.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        if (!overrides.isEmpty()) {
            System.out.println("producer overrides: " + overrides);
        }
        return overrides;
    }

    private static Row measure(String label, PollCycle cycle, PollIds ids, KafkaSnapshotSink sink, int changed) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long wireBefore = sink.wireBytesSent();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long threadCpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        Map<Long, Map.Entry<String, Long>> threadsBefore = cpuByThread();
        CycleOutcome outcome = cycle.run(ids.next());
        Map<Long, Map.Entry<String, Long>> threadsAfter = cpuByThread();
        long threadCpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpuBefore) / 1_000_000;
        long cpu = (os.getProcessCpuTime() - cpuBefore) / 1_000_000;
        // the producer's outgoing-byte metric is updated when responses arrive: all were acknowledged by now
        long wire = sink.wireBytesSent() - wireBefore;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        if (!outcome.complete()) {
            throw new IllegalStateException("cycle failed: " + outcome.reason() + " " + outcome.error());
        }
        System.out.printf("  (%s: process CPU %d ms over all threads incl. simulator and broker; poll thread CPU %d"
                + " ms)%n", label, cpu, threadCpu);
        StringBuilder groups = new StringBuilder();
        long accounted = 0;
        for (Map.Entry<String, Long> e : cpuMsByGroup(threadsBefore, threadsAfter).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList()) {
            long ms = e.getValue();
            accounted += ms;
            if (ms >= 20) {
                groups.append(groups.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(ms);
            }
        }
        System.out.printf("  (%s: CPU ms by thread group: %s; unaccounted (ended threads, rounding) ~%d)%n", label,
                groups, cpu - accounted);
        return new Row(label, changed, outcome.elapsed().toMillis(), peak / (1024.0 * 1024.0),
                outcome.snapshots() + outcome.markers(), outcome.snapshots(), outcome.bytes(), wire);
    }

    /**
     * CPU nanoseconds of each live thread by id, with its name: from {@code /proc/self/task} on Linux, which also has
     * the JVM's own threads (GC, JIT compilers; names cut to 15 characters, 10 ms resolution); else the Java threads
     * only. Threads that ended during a cycle are missing.
     */
    private static Map<Long, Map.Entry<String, Long>> cpuByThread() {
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> list = Files.list(tasks)) {
                for (Path task : list.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // fields[11], fields[12]: utime, stime in clock ticks (USER_HZ, 100 on Linux)
                        long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
                        out.put(Long.parseLong(task.getFileName().toString()), Map.entry(name, nanos));
                    } catch (IOException | RuntimeException ended) {
                        // the thread ended while listing
                    }
                }
                return out;
            } catch (IOException e) {
                out.clear();
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos > 0) {
                    out.put(info.getThreadId(), Map.entry(info.getThreadName(), nanos));
                }
            }
        }
        return out;
    }

    /** CPU ms spent between two samples by thread name, digits removed ({@code http-3} and {@code http-4} are one). */
    private static Map<String, Long> cpuMsByGroup(Map<Long, Map.Entry<String, Long>> before,
                                                  Map<Long, Map.Entry<String, Long>> after) {
        Map<String, Long> out = new HashMap<>();
        after.forEach((id, now) -> {
            Map.Entry<String, Long> then = before.get(id);
            long nanos = now.getValue() - (then == null ? 0 : then.getValue());
            out.merge(now.getKey().replaceAll("[0-9]+", "#"), nanos / 1_000_000, Long::sum);
        });
        return out;
    }

    private record Row(String label, int changed, long millis, double peakHeapMb, long records, long snapshots,
                       long bytes, long wireBytes) {
        void print() {
            System.out.printf("%-8s | %7d | %7d | %12.1f | %7d | %9d | %13d | %14d%n", label, changed, millis,
                    peakHeapMb, records, snapshots, bytes / 1024, wireBytes / 1024);
        }

        Row plus(Row o) {
            return new Row("sum", changed + o.changed, millis + o.millis, peakHeapMb + o.peakHeapMb,
                    records + o.records, snapshots + o.snapshots, bytes + o.bytes, wireBytes + o.wireBytes);
        }
    }
}
