package io.fleetevents.standalone.bench;

import io.fleetevents.codersim.CoderSim;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.standalone.StandaloneConfig;
import io.fleetevents.standalone.StandaloneStack;
import io.fleetevents.standalone.docs.JavaClientExample;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.springframework.messaging.simp.stomp.StompSession;

/**
 * coder-sim change → STOMP frame at a subscriber, through the whole standalone stack (embedded Kafka, poller,
 * processor, broadcaster in one JVM), with the poller's watches on and then with polling only, in one run.
 *
 * <p>Per mode: a fresh stack on a {@code workspaces}-workspace scripted fleet (default 1,000, all watched), a STOMP
 * subscriber, a warm-up until the first-sight events stop and (watch mode) every workspace's watch is open, then two
 * measured kinds of change, {@code changes} of each (default 100), issued at 20 a second: an agent's app status
 * {@code complete} (→ {@code TASK_COMPLETION}) and a stopped workspace started again (→ {@code AGENT_CONNECTED} of
 * its new agent). Latency is from the simulator call to the frame's arrival at the subscriber. Printed per mode:
 * p50/p99/max of each kind, CPU seconds and allocated MB of the poller's threads during the measured window
 * ({@code poller-*}, the JDK HTTP client's, the poller's Kafka producer), Coder requests per minute in that window,
 * watch streams opened, heap after a full GC and live threads at the end.
 *
 * <p>Run: {@code standalone/bench-push.sh [workspaces] [changes]} (docs/poller.md "Benchmark").
 */
public final class PushLatencyBenchmark {

    private record Stats(int n, long p50, long p99, long max) {
        static Stats of(List<Long> millis) {
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return new Stats(0, -1, -1, -1);
            }
            int n = sorted.size();
            return new Stats(n, sorted.get((n - 1) / 2), sorted.get(Math.max(0, (int) Math.ceil(0.99 * n) - 1)),
                    sorted.get(n - 1));
        }

        @Override
        public String toString() {
            return String.format("n=%d p50=%d ms p99=%d ms max=%d ms", n, p50, p99, max);
        }
    }

    private record Result(String mode, Stats task, Stats connect, double cpuSeconds, long allocatedMb,
                          double windowSeconds, double requestsPerMinute, long warmUpRequests, long streams,
                          long heapMb, int threads, double simWatchCpuSeconds) {
    }

    /** Frames by {@code TYPE path}: when the change was made, when its frame came. */
    private static final class Frames {
        private final Map<String, Long> issued = new ConcurrentHashMap<>();
        private final Map<String, Long> arrived = new ConcurrentHashMap<>();
        private volatile long lastFrame = System.nanoTime();
        private volatile long count;

        void add(EventNotification event, String token) {
            long now = System.nanoTime();
            lastFrame = now;
            count++;
            String key = event.eventType() + " " + event.agent().path();
            if (issued.containsKey(key)) {
                arrived.putIfAbsent(key, now);
            }
        }

        void expect(String key, long at) {
            issued.put(key, at);
        }

        List<Long> latencies(String type) {
            List<Long> out = new ArrayList<>();
            issued.forEach((key, at) -> {
                Long came = arrived.get(key);
                if (key.startsWith(type + " ") && came != null) {
                    out.add((came - at) / 1_000_000);
                }
            });
            return out;
        }

        long pending(String type) {
            return issued.keySet().stream().filter(k -> k.startsWith(type + " ") && !arrived.containsKey(k)).count();
        }
    }

    public static void main(String[] args) throws Exception {
        int workspaces = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.out.printf("push latency benchmark: %d workspaces, %d changes of each kind, %d cores, heap max %d MB%n",
                workspaces, changes, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        List<Result> results = new ArrayList<>();
        results.add(run("watch", true, workspaces, changes));
        results.add(run("poll", false, workspaces, changes));
        System.out.println();
        System.out.println("| mode | TASK_COMPLETION p50 / p99 | AGENT_CONNECTED p50 / p99 | poller CPU | poller alloc"
                + " | Coder req/min (window) | warm-up requests | streams | heap after GC | threads |");
        for (Result r : results) {
            System.out.printf("| %s | %d / %d ms | %d / %d ms | %.1f s in %.0f s | %d MB | %.0f | %d | %d | %d MB | %d |%n",
                    r.mode(), r.task().p50(), r.task().p99(), r.connect().p50(), r.connect().p99(), r.cpuSeconds(),
                    r.windowSeconds(), r.allocatedMb(), r.requestsPerMinute(), r.warmUpRequests(), r.streams(),
                    r.heapMb(), r.threads());
        }
        for (Result r : results) {
            System.out.printf("%s: TASK_COMPLETION %s; AGENT_CONNECTED %s; coder-sim watch thread CPU %.1f s%n",
                    r.mode(), r.task(), r.connect(), r.simWatchCpuSeconds());
        }
        System.exit(0);
    }

    private static Result run(String mode, boolean watch, int workspaces, int changes) throws Exception {
        System.setProperty("fleet.poller.watch.enabled", Boolean.toString(watch));
        System.setProperty("fleet.poller.watch.build-stream", Boolean.toString(watch));
        System.setProperty("fleet.poller.watch.max-watched-workspaces", Integer.toString(Math.max(1000, workspaces)));
        // coder-sim has no rate limit; at the default 240 a minute 1,000 watches take about four minutes to open
        System.setProperty("fleet.poller.watch.max-requests-per-minute", "6000");
        Path dir = Files.createTempDirectory("push-bench-" + mode);
        StandaloneConfig config = new StandaloneConfig(dir, 0, 0, 0, 0, workspaces, 42, Duration.ZERO,
                Duration.ofSeconds(5), null, null);
        System.out.printf("%n== %s: starting the stack%n", mode);
        try (StandaloneStack stack = StandaloneStack.start(config)) {
            CoderSim sim = stack.sim();
            Frames frames = new Frames();
            StompSession session = JavaClientExample.subscribe("ws://localhost:" + stack.httpPort()
                    + "/api/events/subscribe", stack.devToken(), null, frames::add);
            int listed = sim.workspacePaths().size();
            int agents = sim.agentPaths().size();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                // two poll intervals without a frame: the first sight of the fleet has been delivered
                // (a first cycle can stall on a freshly created topic, so "quiet" alone is not enough)
                boolean quiet = frames.count >= agents * 9L / 10
                        && System.nanoTime() - frames.lastFrame > Duration.ofSeconds(10).toNanos();
                boolean watched = !watch || (int) sim.watchStats().get("watches") >= Math.min(1000, listed);
                if (quiet && watched) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
            System.out.printf("%s: warm after first sight of the fleet: %d frames, watches %s%n", mode, frames.count,
                    sim.watchStats());
            long warmUpRequests = sim.apiRequests();
            ThreadCost before = ThreadCost.now();
            long windowStart = System.nanoTime();
            long requestsBefore = sim.apiRequests();

            // 1. app status complete -> TASK_COMPLETION
            List<String> mains = sim.agentPaths().stream().filter(a -> a.endsWith(".main")).toList();
            List<String> running = new ArrayList<>();
            for (int i = mains.size() - 1; i >= 0; i--) {
                running.add(mains.get(i).substring(0, mains.get(i).length() - ".main".length()));
            }
            int done = 0;
            for (String agent : mains) {
                if (done >= changes) {
                    break;
                }
                if (!agent.endsWith(".main")) {
                    continue;
                }
                long at = System.nanoTime();
                try {
                    sim.completeTask(agent, "benchmark turn");
                } catch (RuntimeException noAiApp) {
                    continue;
                }
                frames.expect("TASK_COMPLETION " + agent, at);
                done++;
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            awaitFrames(frames, "TASK_COMPLETION", Duration.ofSeconds(30));

            // 2. a stopped workspace starts again -> AGENT_CONNECTED of its new agent (from the end of the list: the
            // workspaces of step 1 come last, if at all)
            List<String> restarted = new ArrayList<>();
            for (String ws : running) {
                if (restarted.size() >= changes) {
                    break;
                }
                try {
                    sim.stopWorkspace(ws);
                    restarted.add(ws);
                } catch (RuntimeException cannot) {
                    // not a running workspace with a main agent
                }
            }
            LockSupport.parkNanos(Duration.ofSeconds(12).toNanos());
            for (String ws : restarted) {
                long at = System.nanoTime();
                sim.startWorkspace(ws);
                frames.expect("AGENT_CONNECTED " + ws + ".main", at);
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            awaitFrames(frames, "AGENT_CONNECTED", Duration.ofSeconds(30));

            double window = (System.nanoTime() - windowStart) / 1e9;
            ThreadCost after = ThreadCost.now();
            long requests = sim.apiRequests() - requestsBefore;
            long streams = ((Number) sim.watchStats().get("opened")).longValue();
            session.disconnect();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapMb = memory.getHeapMemoryUsage().getUsed() / (1024 * 1024);
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            Result result = new Result(mode, Stats.of(frames.latencies("TASK_COMPLETION")),
                    Stats.of(frames.latencies("AGENT_CONNECTED")), after.cpuSince(before) / 1e9,
                    after.allocatedSince(before) / (1024 * 1024), window, requests / (window / 60),
                    warmUpRequests, streams, heapMb, threads,
                    after.simCpuSince(before) / 1e9);
            System.out.printf("%s: TASK_COMPLETION %s (missing %d); AGENT_CONNECTED %s (missing %d)%n", mode,
                    result.task(), frames.pending("TASK_COMPLETION"), result.connect(), frames.pending("AGENT_CONNECTED"));
            return result;
        }
    }

    private static void awaitFrames(Frames frames, String type, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (frames.pending(type) > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /**
     * CPU and allocation of the poller's threads, and CPU of coder-sim's watch thread, per thread, so far. Differences
     * are taken per thread id, so a thread that ended between two readings subtracts nothing (its share since the
     * first reading is lost: the figures are a lower bound).
     */
    private record ThreadCost(Map<Long, long[]> poller, Map<Long, Long> sim) {
        static ThreadCost now() {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Map<Long, long[]> poller = new java.util.HashMap<>();
            Map<Long, Long> sim = new java.util.HashMap<>();
            for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                String name = info.getThreadName();
                long id = info.getThreadId();
                if (name.startsWith("poller-") || name.startsWith("HttpClient-") || name.startsWith("coder-client-")
                        || name.contains("producer-network-thread | fleet-events-poller")) {
                    poller.put(id, new long[] {Math.max(0, threads.getThreadCpuTime(id)),
                            Math.max(0, threads.getThreadAllocatedBytes(id))});
                } else if (name.startsWith("coder-sim-") && name.endsWith("-watches")) {
                    sim.put(id, Math.max(0, threads.getThreadCpuTime(id)));
                }
            }
            return new ThreadCost(poller, sim);
        }

        long cpuSince(ThreadCost before) {
            long sum = 0;
            for (var e : poller.entrySet()) {
                long[] was = before.poller.get(e.getKey());
                sum += e.getValue()[0] - (was == null ? 0 : was[0]);
            }
            return sum;
        }

        long allocatedSince(ThreadCost before) {
            long sum = 0;
            for (var e : poller.entrySet()) {
                long[] was = before.poller.get(e.getKey());
                sum += e.getValue()[1] - (was == null ? 0 : was[1]);
            }
            return sum;
        }

        long simCpuSince(ThreadCost before) {
            long sum = 0;
            for (var e : sim.entrySet()) {
                sum += e.getValue() - before.sim.getOrDefault(e.getKey(), 0L);
            }
            return sum;
        }
    }
}
