package io.fleetevents.processor.app;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.schemas.Topic;
import io.fleetevents.schemas.Topics;
import io.fleetevents.schemas.ops.TopicPlacement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics the processor writes (and its input, so that starting before the poller is not an error)
 * when they are missing, with the contract's configs. Existing topics are left as they are. A replication the cluster
 * cannot satisfy (more than its brokers, or less than its min.insync.replicas) stops the start with the key to change.
 */
final class TopicCreator {

    private TopicCreator() {
    }

    static void createMissing(ProcessorConfig config) {
        ProcessorConfig.TopicsConfig t = config.topics();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            add(missing, existing, t.snapshots(), Topics.AGENT_SNAPSHOTS, t);
            add(missing, existing, t.events(), Topics.FLEET_EVENTS, t);
            add(missing, existing, t.capacity(), Topics.FLEET_CAPACITY, t);
            add(missing, existing, t.agents(), Topics.FLEET_AGENTS, t);
            add(missing, existing, t.deadLetter(), Topics.AGENT_SNAPSHOTS_DLQ, t);
            TopicPlacement placement = TopicPlacement.of(admin, Duration.ofSeconds(30));
            Optional<String> internal = placement.problem(config.streams().internalReplicationFactor(),
                    "fleet.processor.streams.internal-replication-factor");
            if (internal.isPresent()) {
                throw new IllegalStateException("cannot start the processor: Kafka Streams could not create its "
                        + "changelog and repartition topics: " + internal.get());
            }
            if (missing.isEmpty()) {
                return;
            }
            Optional<String> problem = placement.problem(t.replicationFactor(), "fleet.processor.topics.replication-factor");
            if (problem.isPresent()) {
                throw new IllegalStateException("cannot create the processor's topics "
                        + missing.stream().map(NewTopic::name).toList() + ": " + problem.get());
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create processor topics on " + config.bootstrapServers()
                    + " (fleet.processor.bootstrap-servers): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private static void add(List<NewTopic> missing, Set<String> existing, String name, Topic<?, ?> contract,
                            ProcessorConfig.TopicsConfig t) {
        if (existing.contains(name)) {
            return;
        }
        Optional<Short> replication = t.replicationFactor() < 0 ? Optional.empty()
                : Optional.of(t.replicationFactor().shortValue());
        missing.add(new NewTopic(name, Optional.of(t.partitions()), replication).configs(Map.copyOf(contract.configs())));
    }
}
