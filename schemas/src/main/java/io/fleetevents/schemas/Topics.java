package io.fleetevents.schemas;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of the design, with their default names, serdes and creation configs. Names, partition counts,
 * retention and replication are configuration in each app; these are the defaults.
 */
public final class Topics {

    /** Default partition count of every topic. */
    public static final int DEFAULT_PARTITIONS = 6;

    /** Raw input: one {@link AgentSnapshot} per changed agent per cycle, plus one {@link CycleMarker} per partition. */
    public static final Topic<String, SnapshotRecord> AGENT_SNAPSHOTS = new Topic<>(
            "coder.agent-snapshots", Serdes.String(), new JsonSerde<>(SnapshotRecord.class),
            Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofHours(24)),
                    "compression.type", "producer"));

    /** The public stream of {@link EventNotification}s, keyed by agent key ({@code fleet/<scope>} for capacity). */
    public static final Topic<String, EventNotification> FLEET_EVENTS = new Topic<>(
            "fleet.events", Serdes.String(), new JsonSerde<>(EventNotification.class),
            Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(7))));

    /** Latest utilisation per scope: {@link CapacitySample} keyed by scope, compacted. */
    public static final Topic<String, CapacitySample> FLEET_CAPACITY = new Topic<>(
            "fleet.capacity", Serdes.String(), new JsonSerde<>(CapacitySample.class),
            Map.of("cleanup.policy", "compact,delete", "retention.ms", millis(Duration.ofDays(7))));

    /**
     * The current state of every agent: {@link FleetAgent} keyed by agent key, compacted (no time retention: the
     * latest record of every agent stays); a tombstone (null value) when the agent is gone.
     */
    public static final Topic<String, FleetAgent> FLEET_AGENTS = new Topic<>(
            "fleet.agents", Serdes.String(), new JsonSerde<>(FleetAgent.class),
            Map.of("cleanup.policy", "compact"));

    /** Dead letters of {@link #AGENT_SNAPSHOTS}: the bad record as it was, plus {@link DlqHeaders}. */
    public static final Topic<byte[], byte[]> AGENT_SNAPSHOTS_DLQ = deadLetterOf(AGENT_SNAPSHOTS.name());

    private Topics() {
    }

    /** The dead-letter topic for {@code sourceTopic}. */
    public static Topic<byte[], byte[]> deadLetterOf(String sourceTopic) {
        return new Topic<>(sourceTopic + ".dlq", Serdes.ByteArray(), Serdes.ByteArray(),
                Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(7))));
    }

    private static String millis(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
