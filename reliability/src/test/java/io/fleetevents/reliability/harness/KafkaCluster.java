package io.fleetevents.reliability.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka nodes in KRaft combined mode (each a broker and one of three controller voters), each its own process
 * running Kafka's own {@code kafka.Kafka} main class from Kafka's server jars (taken from the standalone jar's
 * libraries), formatted once with Kafka's {@code StorageTool} and restartable on its own log directory.
 *
 * <p>Configured as a production cluster of three: topics default to replication factor 3 with
 * {@code min.insync.replicas=2}, and the transaction state log and consumer offsets have three replicas with a
 * minimum ISR of two, so any one node can be lost. Every listener of a node (client and controller) is reached
 * through a {@link TcpProxy} of its own, whose ports are the ones the node advertises, so a node can be cut off from
 * everyone else and from every client ({@link #isolate}) while it keeps running.
 */
public final class KafkaCluster implements AutoCloseable {

    /** The nodes' ids, also their index + 1. */
    public static final int NODES = 3;
    private static final String KAFKA_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    private static final String STARTED = "Kafka Server started";

    private final Path work;
    private final String classPath;
    private final List<Node> nodes = new ArrayList<>();

    /** One node: its process, log directory, real ports and the proxies in front of them. */
    public static final class Node {
        private final int id;
        private final AppProcess process;
        private final TcpProxy clientProxy;
        private final TcpProxy controllerProxy;

        private Node(int id, AppProcess process, TcpProxy clientProxy, TcpProxy controllerProxy) {
            this.id = id;
            this.process = process;
            this.clientProxy = clientProxy;
            this.controllerProxy = controllerProxy;
        }

        public int id() {
            return id;
        }

        public AppProcess process() {
            return process;
        }
    }

    /**
     * Writes the nodes' configurations and formats their log directories (not started yet).
     *
     * @param standaloneJar the standalone jar, whose {@code BOOT-INF/lib} holds Kafka's server jars
     */
    public KafkaCluster(Path standaloneJar, Path work, Path logs) throws IOException {
        this.work = work;
        Path lib = extractLibraries(standaloneJar, work.resolve("kafka-lib"));
        this.classPath = lib.toString() + "/*";
        Path logback = work.resolve("kafka-logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <logger name="org.apache.kafka.controller.QuorumController" level="INFO"/>
                  <logger name="org.apache.kafka.raft" level="WARN"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
        int[] clientPorts = new int[NODES];
        int[] controllerPorts = new int[NODES];
        List<TcpProxy> clientProxies = new ArrayList<>();
        List<TcpProxy> controllerProxies = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            clientPorts[i] = Ports.free();
            controllerPorts[i] = Ports.free();
            clientProxies.add(new TcpProxy(clientPorts[i]));
            controllerProxies.add(new TcpProxy(controllerPorts[i]));
        }
        String voters = IntStream.range(0, NODES)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerProxies.get(i).port())
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<Process> formats = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            int id = i + 1;
            Path logDir = work.resolve("kafka-" + id);
            Files.createDirectories(logDir);
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", String.valueOf(id));
            props.put("controller.quorum.voters", voters);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[i] + ",CONTROLLER://127.0.0.1:"
                    + controllerPorts[i]);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientProxies.get(i).port());
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("log.dirs", logDir.toString());
            props.put("num.partitions", "6");
            props.put("default.replication.factor", "3");
            props.put("min.insync.replicas", "2");
            props.put("offsets.topic.replication.factor", "3");
            props.put("offsets.topic.num.partitions", "6");
            props.put("transaction.state.log.replication.factor", "3");
            props.put("transaction.state.log.min.isr", "2");
            props.put("transaction.state.log.num.partitions", "6");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            Path config = work.resolve("kafka-" + id + ".properties");
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "node " + id + " of the reliability cluster");
            }
            formats.add(new ProcessBuilder(java(), "-cp", classPath, STORAGE_TOOL, "format", "-t", clusterId, "-c",
                    config.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("kafka-" + id + ".log").toFile()))
                    .start());
            AppProcess process = AppProcess.main("kafka-" + id, classPath, KAFKA_MAIN, "384m",
                    List.of("-Dlogback.configurationFile=" + logback), List.of(config.toString()), logs);
            nodes.add(new Node(id, process, clientProxies.get(i), controllerProxies.get(i)));
        }
        for (Process format : formats) {
            try {
                if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    throw new IllegalStateException("formatting a Kafka log directory failed: see " + logs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts every node and waits until each has started. */
    public void start(Duration atMost) {
        nodes.forEach(n -> n.process.start());
        nodes.forEach(n -> n.process.awaitLogLine(STARTED, atMost));
    }

    /** Bootstrap servers: every node's advertised (proxied) client address. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.clientProxy.port()).collect(Collectors.joining(","));
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int id) {
        return nodes.get(id - 1);
    }

    /** SIGKILL one node: no controlled shutdown, no leadership handed over. */
    public void kill(int id) {
        node(id).process.kill();
    }

    /** SIGTERM one node: Kafka's controlled shutdown moves its leaderships first. */
    public void stop(int id) {
        node(id).process.stop();
    }

    /** Starts a stopped or killed node again on its log directory and waits until it has started. */
    public void restart(int id, Duration atMost) {
        node(id).process.start().awaitLogLine(STARTED, atMost);
    }

    /**
     * Cuts one node off from the other nodes and from every client: every link into its listeners is reset and
     * refused, and so is every link it opens to the others' listeners. The process keeps running.
     */
    public void isolate(int id) {
        long pid = node(id).process.pid();
        for (Node n : nodes) {
            if (n.id == id) {
                n.clientProxy.cut();
                n.controllerProxy.cut();
            } else {
                n.clientProxy.cutFrom(pid);
                n.controllerProxy.cutFrom(pid);
            }
        }
    }

    /** Ends {@link #isolate}. */
    public void reconnect(int id) {
        for (Node n : nodes) {
            n.clientProxy.restore();
            n.controllerProxy.restore();
        }
    }

    /** A client of the cluster's admin API (the caller closes it). */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000"));
    }

    /** The partition of {@code topic} holding the most records (the highest end offset) and its current leader. */
    public PartitionLeader busiest(String topic) {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> latest = description.partitions().stream().collect(Collectors.toMap(
                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            TopicPartitionInfo busiest = description.partitions().stream()
                    .max(Comparator.comparingLong(p -> ends.get(new TopicPartition(topic, p.partition())).offset()))
                    .orElseThrow();
            return new PartitionLeader(new TopicPartition(topic, busiest.partition()),
                    ends.get(new TopicPartition(topic, busiest.partition())).offset(), busiest.leader().id());
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic + ": " + e.getMessage(), e);
        }
    }

    /** A partition, its end offset and its leader's node id. */
    public record PartitionLeader(TopicPartition partition, long endOffset, int leader) {
    }

    /**
     * Waits until every partition of every topic has all three replicas in sync (a restarted node has caught up), so
     * the next node can be taken down without leaving a partition below {@code min.insync.replicas}.
     */
    public void awaitFullyReplicated(Duration atMost) {
        try (Admin admin = admin()) {
            await("every partition with " + NODES + " in-sync replicas").atMost(atMost)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> underReplicated(admin).isEmpty());
        }
    }

    /** The partitions with fewer than three in-sync replicas. */
    public static List<TopicPartition> underReplicated(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get();
        Collection<TopicDescription> all = admin.describeTopics(topics).allTopicNames().get().values();
        return all.stream().flatMap(t -> t.partitions().stream()
                        .filter(p -> p.isr().size() < NODES)
                        .map(p -> new TopicPartition(t.name(), p.partition())))
                .toList();
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            try {
                n.process.stop();
            } catch (RuntimeException e) {
                n.process.kill();
            }
            try {
                n.clientProxy.close();
                n.controllerProxy.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** SIGKILLs every node (a JVM shutting down without {@link #close}). */
    public void killAll() {
        nodes.forEach(n -> {
            if (n.process.isAlive()) {
                n.process.kill();
            }
        });
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path extractLibraries(Path fatJar, Path into) throws IOException {
        Files.createDirectories(into);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(fatJar))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    Files.copy(zip, into.resolve(name.substring("BOOT-INF/lib/".length())),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Kafka's jars from " + fatJar, e);
        }
        return into;
    }
}
