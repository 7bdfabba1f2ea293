package io.fleetevents.standalone.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft combined mode (broker + controller), run from Kafka's own server jars
 * ({@link KafkaRaftServer}), with its log directory under a data directory that survives restarts. The first start
 * formats the directory; later starts find it formatted and keep every topic and offset, so replay works across
 * restarts.
 *
 * <p>Configured for one node: internal topics (offsets, transactions) with replication 1, so exactly-once Streams
 * and transactional producers work.
 */
public final class KraftBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KraftBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private KraftBroker(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /**
     * Formats {@code dataDir} if needed and starts the broker.
     *
     * @param dataDir        directory holding the broker's log directory ({@code dataDir/kafka})
     * @param port           client port on 127.0.0.1; 0 picks a free one
     * @param controllerPort controller (KRaft quorum) port on 127.0.0.1; 0 picks a free one
     * @throws PortInUseException when a requested port is taken
     */
    public static KraftBroker start(Path dataDir, int port, int controllerPort) {
        int clientPort = port == 0 ? freePort() : requireFree(port, "Kafka client");
        int quorumPort = controllerPort == 0 ? freePort() : requireFree(controllerPort, "Kafka controller");
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + quorumPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + quorumPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "6");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "6");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        KafkaConfig config = new KafkaConfig(props, false);
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + clientPort;
        LOG.info("Kafka broker (KRaft, single node) listening on {} with data in {}", bootstrap, logDir);
        return new KraftBroker(server, bootstrap, logDir);
    }

    /** Bootstrap servers of this broker ({@code 127.0.0.1:port}). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's log directory. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker, flushing its logs, and waits until it has stopped. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker stopped");
    }

    private static void format(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // formatted by an earlier start: keep its cluster id and every topic
        }
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** Fails with a clear message naming {@code what} when {@code port} is already taken on this machine. */
    public static int requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return port;
        } catch (IOException e) {
            throw new PortInUseException(what + " port " + port + " is already in use (" + e.getMessage()
                    + "): stop whatever listens there or choose another port");
        }
    }

    /** A port free at the moment of asking. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
