package io.fleetevents.reliability.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system as separate processes: a real Kafka broker (KRaft, Kafka's own server jars via standalone's
 * {@code kafka} command), coder-sim (scripted only: {@code CODER_SIM_ACTIVITY_MS=0}, no initial fleet), poller,
 * processor and broadcaster, each from its executable jar with fixed ports and its own data directory. Scenarios
 * share one stack and leave it healthy.
 */
public final class Stack implements AutoCloseable {

    /** Whole-fleet API token of the broadcaster. */
    public static final String ADMIN_TOKEN = "reliability-admin-token";
    /** A token scoped to one owner. */
    public static final String OWNER_TOKEN = "reliability-owner-token";
    /** The owner {@link #OWNER_TOKEN} may see. */
    public static final String SCOPED_OWNER = "sec-alice";
    /** The deployment name the poller writes. */
    public static final String DEPLOYMENT = "reliability";
    /** The broadcaster's per-connection send buffer, in frames. */
    public static final int SEND_BUFFER_FRAMES = 2048;
    private static final String SIM_TOKEN = "reliability-sim-token";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final String GRACE_ENV = "FLEET_PROCESSOR_DIFF_DISCONNECT_GRACE";
    private static final String SUITE_GRACE = "0s";

    private final Path repo;
    private final Path work;
    private final Path logs;
    private final int kafkaPort = Ports.free();
    private final int controllerPort = Ports.free();
    private final int simPort = Ports.free();
    private final int pollerPort = Ports.free();
    private final int processorPort = Ports.free();
    private final int secondProcessorPort = Ports.free();
    private final int broadcasterPort = Ports.free();
    private final AppProcess kafka;
    private final AppProcess sim;
    private final AppProcess poller;
    private final AppProcess processor;
    private final AppProcess secondProcessor;
    private final AppProcess broadcaster;
    private final CoderSimControl simControl;

    private Stack(Path repo, Path out) throws IOException {
        this.repo = repo;
        this.logs = emptyLogs(out.resolve("reliability-logs"));
        this.work = Files.createTempDirectory("fleet-reliability");
        kafka = AppProcess.jar("kafka", jar("standalone", "fleet-events-standalone.jar"), "512m",
                List.of("kafka", work.resolve("kafka").toString(), String.valueOf(kafkaPort),
                        String.valueOf(controllerPort)), Map.of(), logs, 0, null);
        sim = coderSim(jar("coder-sim", "coder-sim-exec.jar"), simPort, logs);
        poller = pollerProcess();
        processor = processorProcess("processor", processorPort);
        secondProcessor = processorProcess("processor-2", secondProcessorPort);
        broadcaster = broadcasterProcess();
        simControl = new CoderSimControl("http://127.0.0.1:" + simPort);
    }

    /** Starts everything and waits until every app reports healthy. */
    public static Stack start(Path repo, Path out) throws IOException {
        Stack stack = new Stack(repo, out);
        // children outlive a JVM that is stopped (Ctrl-C, a Failsafe timeout) unless someone kills them
        Runtime.getRuntime().addShutdownHook(new Thread(stack::killAll, "reliability-stack-reaper"));
        try {
            stack.kafka.start();
            stack.sim.start();
            stack.kafka.awaitLogLine("KAFKA_READY", START_TIMEOUT);
            stack.processor.start();
            stack.poller.start();
            stack.broadcaster.start();
            stack.sim.awaitHealthy(START_TIMEOUT);
            stack.processor.awaitHealthy(START_TIMEOUT);
            stack.poller.awaitHealthy(START_TIMEOUT);
            stack.broadcaster.awaitHealthy(START_TIMEOUT);
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    /** {@code dir}, created if missing and emptied: one run's logs only. */
    static Path emptyLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path log : old.toList()) {
                Files.delete(log);
            }
        }
        return dir;
    }

    /** coder-sim as the suite runs it: scripted only (no initial fleet, no random activity), on loopback. */
    static AppProcess coderSim(Path jar, int port, Path logs) {
        return AppProcess.jar("coder-sim", jar, "128m", List.of(), Map.of(
                "CODER_SIM_PORT", String.valueOf(port),
                "CODER_SIM_BIND", "127.0.0.1",
                "CODER_SIM_TOKEN", SIM_TOKEN,
                "CODER_SIM_WORKSPACES", "0",
                "CODER_SIM_ACTIVITY_MS", "0",
                "CODER_SIM_SEED", "7"), logs, port, "/sim/state");
    }

    /** The poller's environment: coder-sim on {@code simPort}, Kafka at {@code bootstrap}, HTTP on {@code port}. */
    static Map<String, String> pollerEnvironment(int simPort, String bootstrap, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CODER_URL", "http://127.0.0.1:" + simPort);
        env.put("CODER_SESSION_TOKEN", SIM_TOKEN);
        env.put("CODER_DEPLOYMENT", DEPLOYMENT);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SERVER_PORT", String.valueOf(port));
        return env;
    }

    private AppProcess pollerProcess() {
        Map<String, String> env = pollerEnvironment(simPort, bootstrapServers(), pollerPort);
        return AppProcess.jar("poller", jar("poller", "poller-exec.jar"), "192m", List.of(
                "--fleet.poller.interval=1s",
                // pages of 10, so a fault from an offset fails a cycle part-way (scenario 5)
                "--fleet.poller.coder.page-size=10",
                "--fleet.poller.retry.max-attempts=2",
                "--fleet.poller.retry.initial-backoff=100ms",
                "--fleet.poller.backoff.max-failure-wait=2s",
                "--fleet.poller.backoff.max-slowdown=2",
                "--fleet.poller.health.max-consecutive-failures=2",
                "--fleet.poller.topic.create=true"), env, logs, pollerPort, "/actuator/health");
    }

    private AppProcess processorProcess(String name, int port) {
        return AppProcess.jar(name, jar("processor", "processor-exec.jar"), "256m", List.of(
                "--fleet.processor.bootstrap-servers=" + bootstrapServers(),
                "--server.port=" + port,
                "--fleet.processor.streams.state-dir=" + work.resolve(name + "-state"),
                // a SIGKILLed member leaves the group after 6 s instead of 45 s
                "--fleet.processor.streams.overrides[consumer.session.timeout.ms]=6000",
                "--fleet.processor.streams.overrides[consumer.heartbeat.interval.ms]=1500"),
                // Scenarios script disconnects and reconnects a round apart and expect each reported: no grace. The
                // default grace is exercised by CoderdRestartIT (processorsWithDefaultGrace).
                Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(), GRACE_ENV, SUITE_GRACE), logs, port,
                "/actuator/health");
    }

    /**
     * Restarts the running processors with the processor's default disconnect grace ({@code true}) or the suite's
     * none ({@code false}), and waits until they are healthy.
     */
    public void processorsWithDefaultGrace(boolean defaultGrace) {
        for (AppProcess p : List.of(processor, secondProcessor)) {
            if (p.isAlive()) {
                p.stop();
                p.setEnv(GRACE_ENV, defaultGrace ? null : SUITE_GRACE);
                p.start();
                p.awaitHealthy(START_TIMEOUT);
            } else {
                p.setEnv(GRACE_ENV, defaultGrace ? null : SUITE_GRACE);
            }
        }
    }

    /** A broadcaster's environment: Kafka at {@code bootstrap}, HTTP on {@code port}, {@link #ADMIN_TOKEN} for all. */
    static Map<String, String> broadcasterEnvironment(String bootstrap, int port) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SERVER_PORT", String.valueOf(port));
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_0_NAME", "reliability-admin");
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_0_SHA256", sha256(ADMIN_TOKEN));
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_0_AGENT_PATTERNS_0", "*");
        return env;
    }

    private AppProcess broadcasterProcess() {
        Map<String, String> env = broadcasterEnvironment(bootstrapServers(), broadcasterPort);
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_1_NAME", "reliability-owner");
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_1_SHA256", sha256(OWNER_TOKEN));
        env.put("FLEET_BROADCASTER_AUTH_TOKENS_1_OWNERS_0", SCOPED_OWNER);
        return AppProcess.jar("broadcaster", jar("broadcaster", "broadcaster-exec.jar"), "256m", List.of(
                "--fleet.broadcaster.kafka.bootstrap-servers=" + bootstrapServers(),
                // half the default, so scenario 7's slow subscriber overflows after ~2,000 queued events rather than
                // ~4,000; still twice the largest burst one healthy subscriber gets (scenario 8: 1,000 at once)
                "--fleet.broadcaster.stomp.send-buffer-frames=" + SEND_BUFFER_FRAMES,
                // bounded kernel send buffers: a stuck client is seen after ~128 KB, not after the megabytes that
                // loopback autotuning would let it hold
                "--fleet.broadcaster.stomp.socket-send-buffer=65536",
                "--server.port=" + broadcasterPort),
                env, logs, broadcasterPort, "/actuator/health");
    }

    /**
     * A private copy of the module's jar: a restart must run the same code even if a build rewrites
     * {@code target/} meanwhile.
     */
    private Path jar(String module, String file) {
        return privateCopy(repo, work, module, file);
    }

    static Path privateCopy(Path repo, Path work, String module, String file) {
        Path jar = repo.resolve(module).resolve("target").resolve(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn -B -q install -DskipTests` (or `verify` "
                    + "from the root) so the apps are packaged before this suite");
        }
        try {
            Path copy = work.resolve("jars").resolve(file);
            Files.createDirectories(copy.getParent());
            return Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public int broadcasterPort() {
        return broadcasterPort;
    }

    public AppProcess kafka() {
        return kafka;
    }

    public AppProcess sim() {
        return sim;
    }

    public AppProcess poller() {
        return poller;
    }

    public AppProcess processor() {
        return processor;
    }

    public AppProcess secondProcessor() {
        return secondProcessor;
    }

    public AppProcess broadcaster() {
        return broadcaster;
    }

    public CoderSimControl coder() {
        return simControl;
    }

    public Path logs() {
        return logs;
    }

    /** Every app healthy again (a scenario's last step). */
    public void awaitAllHealthy() {
        for (AppProcess app : List.of(sim, processor, poller, broadcaster)) {
            app.awaitHealthy(START_TIMEOUT);
        }
    }

    private void killAll() {
        for (AppProcess app : List.of(broadcaster, poller, secondProcessor, processor, sim, kafka)) {
            if (app.isAlive()) {
                app.kill();
            }
        }
    }

    @Override
    public void close() {
        for (AppProcess app : List.of(broadcaster, poller, secondProcessor, processor, sim, kafka)) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                app.kill();
            }
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
