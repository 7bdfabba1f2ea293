package io.fleetevents.reliability.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The system on a three-node Kafka cluster ({@link KafkaCluster}), configured as docs/operating.md tells a
 * production user: every topic the apps create with replication factor 3 (the brokers' {@code min.insync.replicas=2}
 * applies), Streams' internal topics too, producers with {@code acks=all} (the apps' fixed default). coder-sim,
 * poller, processor and two broadcaster instances run as processes, as in {@link Stack}; nothing else is tuned.
 */
public final class ClusterStack implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path work;
    private final KafkaCluster kafka;
    private final int simPort = Ports.free();
    private final int pollerPort = Ports.free();
    private final int processorPort = Ports.free();
    private final AppProcess sim;
    private final AppProcess poller;
    private final AppProcess processor;
    private final List<AppProcess> broadcasters;
    private final CoderSimControl simControl;

    private ClusterStack(Path repo, Path out) throws IOException {
        Path logs = Stack.emptyLogs(out.resolve("reliability-cluster-logs"));
        this.work = Files.createTempDirectory("fleet-reliability-cluster");
        kafka = new KafkaCluster(Stack.privateCopy(repo, work, "standalone", "fleet-events-standalone.jar"), work,
                logs);
        String bootstrap = kafka.bootstrapServers();
        sim = Stack.coderSim(Stack.privateCopy(repo, work, "coder-sim", "coder-sim-exec.jar"), simPort, logs);
        Map<String, String> pollerEnv = Stack.pollerEnvironment(simPort, bootstrap, pollerPort);
        poller = AppProcess.jar("poller", Stack.privateCopy(repo, work, "poller", "poller-exec.jar"), "192m", List.of(
                "--fleet.poller.interval=1s",
                "--fleet.poller.topic.create=true",
                "--fleet.poller.topic.replication-factor=3"), pollerEnv, logs, pollerPort, "/actuator/health");
        processor = AppProcess.jar("processor", Stack.privateCopy(repo, work, "processor", "processor-exec.jar"),
                "256m", List.of(
                        "--fleet.processor.bootstrap-servers=" + bootstrap,
                        "--server.port=" + processorPort,
                        "--fleet.processor.streams.state-dir=" + work.resolve("processor-state"),
                        "--fleet.processor.topics.replication-factor=3",
                        "--fleet.processor.streams.internal-replication-factor=3"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap), logs, processorPort, "/actuator/health");
        Path broadcasterJar = Stack.privateCopy(repo, work, "broadcaster", "broadcaster-exec.jar");
        broadcasters = List.of(broadcaster("broadcaster-1", broadcasterJar, bootstrap, logs),
                broadcaster("broadcaster-2", broadcasterJar, bootstrap, logs));
        simControl = new CoderSimControl("http://127.0.0.1:" + simPort);
    }

    /** Starts the cluster, then every app, and waits until each reports healthy. */
    public static ClusterStack start(Path repo, Path out) throws IOException {
        ClusterStack stack = new ClusterStack(repo, out);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::killAll, "reliability-cluster-reaper"));
        try {
            stack.sim.start();
            stack.kafka.start(START_TIMEOUT);
            stack.processor.start();
            stack.poller.start();
            stack.broadcasters.forEach(AppProcess::start);
            stack.awaitAllHealthy();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private static AppProcess broadcaster(String name, Path jar, String bootstrap, Path logs) {
        int port = Ports.free();
        return AppProcess.jar(name, jar, "256m", List.of(
                "--fleet.broadcaster.kafka.bootstrap-servers=" + bootstrap,
                "--server.port=" + port), Stack.broadcasterEnvironment(bootstrap, port), logs, port,
                "/actuator/health");
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    public AppProcess poller() {
        return poller;
    }

    public AppProcess processor() {
        return processor;
    }

    /** The two broadcaster instances (both read every partition of {@code fleet.events}). */
    public List<AppProcess> broadcasters() {
        return broadcasters;
    }

    public CoderSimControl coder() {
        return simControl;
    }

    /** Every app healthy. */
    public void awaitAllHealthy() {
        sim.awaitHealthy(START_TIMEOUT);
        processor.awaitHealthy(START_TIMEOUT);
        poller.awaitHealthy(START_TIMEOUT);
        for (AppProcess b : broadcasters) {
            b.awaitHealthy(START_TIMEOUT);
        }
    }

    private void killAll() {
        for (AppProcess app : List.of(broadcasters.get(0), broadcasters.get(1), poller, processor, sim)) {
            if (app.isAlive()) {
                app.kill();
            }
        }
        kafka.killAll();
    }

    @Override
    public void close() {
        for (AppProcess app : List.of(broadcasters.get(0), broadcasters.get(1), poller, processor, sim)) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                app.kill();
            }
        }
        kafka.close();
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
