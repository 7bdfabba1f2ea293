package io.fleetevents.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * One real Kafka broker per test JVM, chosen once, in this order:
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (environment or system property) when set: an external cluster;</li>
 *   <li>a Testcontainers {@code apache/kafka} container when a Docker engine answers and has the image, or pulls it
 *       within 30 s, and Ryuk's too (an engine on a machine without a reachable registry does not count);</li>
 *   <li>an embedded single-node KRaft broker in this JVM (Kafka's own test kit through spring-kafka-test).</li>
 * </ol>
 * The choice is logged. The broker lives until the JVM exits; tests isolate themselves with {@link #uniqueTopic}.
 * Brokers are configured for exactly-once on one node (transaction and offsets topics with replication 1).
 */
public final class KafkaTestBroker {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestBroker.class);
    private static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    private static final Duration PULL_TIMEOUT = Duration.ofSeconds(30);

    private static volatile String bootstrapServers;

    private KafkaTestBroker() {
    }

    /** The bootstrap servers of the broker, starting it on first use. */
    public static String bootstrapServers() {
        String servers = bootstrapServers;
        if (servers == null) {
            synchronized (KafkaTestBroker.class) {
                servers = bootstrapServers;
                if (servers == null) {
                    servers = start();
                    bootstrapServers = servers;
                }
            }
        }
        return servers;
    }

    /** Admin client properties for the broker. */
    public static Properties adminProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** A topic name no other test uses: {@code prefix-<random>}. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a topic named {@code prefix} plus a random suffix, and returns its name. */
    public static String newTopic(String prefix, int partitions) {
        String name = uniqueTopic(prefix);
        createTopic(name, partitions);
        return name;
    }

    /** Creates a topic (replication 1) if it does not exist, and waits until it does. */
    public static void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic (replication 1) with configs if it does not exist, and waits until it does. */
    public static void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }

    private static String start() {
        String external = System.getenv(ENV) != null ? System.getenv(ENV) : System.getProperty(ENV);
        if (external != null && !external.isBlank()) {
            LOG.info("Kafka for tests: external cluster from {} ({})", ENV, external);
            return external;
        }
        String whyNotDocker = dockerAnswers() ? imagesUnavailable() : "no Docker engine";
        if (whyNotDocker == null) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE)
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                    .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                    .withStartupTimeout(Duration.ofMinutes(2));
            try {
                container.start();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-test-container-stop"));
                LOG.info("Kafka for tests: Testcontainers {} at {}", KAFKA_IMAGE, container.getBootstrapServers());
                return container.getBootstrapServers();
            } catch (RuntimeException e) {
                // the engine could not run it (resources, start-up timeout): the embedded broker still can
                whyNotDocker = "the Testcontainers container did not start: " + e;
                container.stop();
            }
        }
        EmbeddedKafkaKraftBroker broker = embedded(Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "kafka-test-broker-stop"));
        LOG.info("Kafka for tests: embedded KRaft broker in this JVM at {} (no {}; not Testcontainers: {})",
                broker.getBrokersAsString(), ENV, whyNotDocker);
        return broker.getBrokersAsString();
    }

    /**
     * A single-node embedded KRaft broker of the caller's own, set up like the shared embedded broker except for
     * {@code overrides} (broker properties): for tests of how an app behaves on a cluster configured differently, for
     * example {@code transaction.state.log.replication.factor=3} on one broker. Always embedded, whatever the shared
     * broker is, so the settings are the test's. The caller closes it.
     */
    public static Dedicated startDedicated(Map<String, String> overrides) {
        EmbeddedKafkaKraftBroker broker = embedded(overrides);
        LOG.info("Kafka for tests: dedicated embedded KRaft broker at {} with {}", broker.getBrokersAsString(), overrides);
        return new Dedicated(broker);
    }

    /** A broker started by {@link #startDedicated}; closing it stops it. */
    public static final class Dedicated implements AutoCloseable {

        private final EmbeddedKafkaKraftBroker broker;

        private Dedicated(EmbeddedKafkaKraftBroker broker) {
            this.broker = broker;
        }

        public String bootstrapServers() {
            return broker.getBrokersAsString();
        }

        @Override
        public void close() {
            broker.destroy();
        }
    }

    private static EmbeddedKafkaKraftBroker embedded(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of(
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "5",
                "group.initial.rebalance.delay.ms", "0",
                "log.flush.interval.messages", Long.toString(Long.MAX_VALUE)));
        props.putAll(overrides);
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(props);
        broker.afterPropertiesSet();
        return broker;
    }

    /** Why the broker's image or Testcontainers' Ryuk (unless disabled) cannot be had, or null when both can. */
    private static String imagesUnavailable() {
        String why = imageUnavailable(KAFKA_IMAGE, PULL_TIMEOUT);
        boolean ryukDisabled = Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"));
        if (why == null && !ryukDisabled) {
            why = imageUnavailable(TestcontainersConfiguration.getInstance().getRyukImage(), PULL_TIMEOUT);
        }
        return why;
    }

    /**
     * Why {@code image} cannot be had from the Docker engine, or null when it can: it is there already, or a pull
     * finishes within {@code timeout}. An engine that answers on a machine with no reachable registry must not make
     * every test JVM wait out Testcontainers' own pull timeouts and then fail.
     */
    static String imageUnavailable(String image, Duration timeout) {
        try {
            DockerClient client = rawClient();
            try {
                client.inspectImageCmd(image).exec();
                return null;
            } catch (NotFoundException absent) {
                LOG.info("Kafka for tests: {} is not in the Docker engine; pulling it (at most {} s)", image,
                        timeout.toSeconds());
            }
            int colon = image.lastIndexOf(':');
            boolean done = client.pullImageCmd(image.substring(0, colon)).withTag(image.substring(colon + 1))
                    .start().awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return done ? null : "image " + image + " is not in the Docker engine and no pull finished within "
                    + timeout.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while pulling " + image;
        } catch (RuntimeException e) {
            return "image " + image + " is not in the Docker engine and cannot be pulled: " + e.getMessage();
        }
    }

    /**
     * Whether an engine answers a ping. Not {@code DockerClientFactory.isDockerAvailable()}: that starts Testcontainers'
     * Ryuk container, which on an engine without a reachable registry waits minutes for a pull before failing.
     */
    static boolean dockerAnswers() {
        try {
            rawClient().pingCmd().exec();
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("no Docker engine: {}", e.toString());
            return false;
        }
    }

    /** A client of the engine Testcontainers would use, without Testcontainers' start-up (Ryuk, checks). */
    private static DockerClient rawClient() {
        return DockerClientProviderStrategy.getClientForConfig(DockerClientFactory.instance().getTransportConfig());
    }
}
