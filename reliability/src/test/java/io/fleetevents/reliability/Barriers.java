package io.fleetevents.reliability;

import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.harness.AppProcess;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bounded waits the scenarios synchronise on (never a sleep). */
final class Barriers {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SNAPSHOTS = "coder.agent-snapshots";
    /** The processor's Kafka Streams application id (its default), the consumer group of its input. */
    private static final String PROCESSOR_GROUP = "fleet-events-processor";

    private Barriers() {
    }

    /**
     * Waits until the poller completed a cycle that started after now (its {@code poll_id} is the wall-clock start
     * of the cycle, and health reports the last complete one): every transition made before this call has been
     * written to Kafka with its cycle marker.
     */
    static void pollerObserved(AppProcess poller, Duration atMost) {
        pollerObservedAfter(poller, System.currentTimeMillis(), atMost);
    }

    /** Waits until the poller completed a cycle that started after {@code epochMillis} (which may be ahead). */
    static void pollerObservedAfter(AppProcess poller, long epochMillis, Duration atMost) {
        await("a complete poll cycle after " + java.time.Instant.ofEpochMilli(epochMillis)).atMost(atMost)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> lastPollId(poller) > epochMillis);
    }

    /**
     * Waits until the processor has committed (exactly-once: processed, and its output committed) every snapshot and
     * cycle marker written to {@code coder.agent-snapshots} before this call.
     */
    static void processorCaughtUp(String bootstrapServers, Duration atMost) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, Long> end = endOffsets(admin, SNAPSHOTS);
            await("processor committed " + SNAPSHOTS + " up to " + end).atMost(atMost)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin
                                .listConsumerGroupOffsets(PROCESSOR_GROUP).partitionsToOffsetAndMetadata()
                                .get(10, TimeUnit.SECONDS);
                        return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                                || committed.get(e.getKey()) != null
                                && committed.get(e.getKey()).offset() >= e.getValue());
                    });
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
        try {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic + ": " + e.getMessage(), e);
        }
    }

    static long lastPollId(AppProcess poller) throws Exception {
        JsonNode health = JSON.readTree(poller.health().body());
        return health.path("components").path("poller").path("details").path("last_poll_id").asLong(0);
    }

    /** Waits until every collector has every expected event of {@code fleet}; returns how long it took. */
    static Duration allDelivered(ScriptedFleet fleet, List<? extends Collector> collectors, Duration atMost) {
        long start = System.nanoTime();
        await("every expected event of " + fleet.owner() + " delivered").atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> collectors.stream().allMatch(c -> Tally.of(fleet, c.received()).complete()));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * An observation window for what must NOT arrive (late duplicates, false events): absence cannot be awaited,
     * only watched for a bounded time.
     */
    static void watch(Duration window) {
        await("observation window").pollDelay(window).atMost(window.plusSeconds(5)).until(() -> true);
    }
}
