package io.fleetevents.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Closes a complete poll cycle for one partition of {@code coder.agent-snapshots}. The poller writes one marker to
 * every partition, explicitly, only after every page of the cycle was fetched and every snapshot acknowledged.
 * It lists the agent keys of that partition present in the cycle, so the processor learns who is present without
 * a snapshot per agent, and may conclude that an agent vanished only from a marker. A failed or partial cycle
 * writes no marker.
 *
 * @param schemaVersion  version of this shape
 * @param deployment     configured name of the polled Coder deployment; required
 * @param pollId         the completed cycle's number; {@code >= 0}
 * @param observedAt     when the cycle completed, UTC; required
 * @param partition      the partition this marker was written to; {@code >= 0}
 * @param partitionCount how many partitions the topic had (and so how many markers make the fleet-wide cycle)
 * @param agentKeys      agent keys that hash to this partition and were present in the cycle (agent-less
 *                       workspaces included as {@code <workspace_id>/}); never null
 * @param departures     agent keys of this partition present in an earlier cycle and absent from this one whose
 *                       absence the workspace's latest build explains (stop, delete, or a start build with a higher
 *                       build number than the one the key was last seen under), each with that build. A key is
 *                       never both here and in {@code agentKeys}. A key absent from both vanished without a build
 *                       to explain it. Optional on read; never null (empty when none); written only when not empty
 */
public record CycleMarker(
        int schemaVersion,
        String deployment,
        long pollId,
        Instant observedAt,
        int partition,
        int partitionCount,
        List<String> agentKeys,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Departure> departures) implements SnapshotRecord {

    /** The {@code kind} discriminator value. */
    public static final String KIND = "cycle_complete";

    /** The Kafka key markers are written with (they are routed by explicit partition, not by key). */
    public static final String RECORD_KEY = "cycle-complete";

    public CycleMarker {
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schema_version must be >= 1, was " + schemaVersion);
        }
        Validation.requireNonBlank(deployment, "deployment");
        Validation.requireNonNegative(pollId, "poll_id");
        Validation.requireNonNull(observedAt, "observed_at");
        Validation.requireNonNegative(partition, "partition");
        if (partitionCount < 1 || partition >= partitionCount) {
            throw new IllegalArgumentException("partition_count must be > partition (" + partition + "), was " + partitionCount);
        }
        agentKeys = Validation.immutableCopy(agentKeys, "agent_keys");
        for (String key : agentKeys) {
            AgentKeys.requireValid(key, "agent_keys[]");
        }
        departures = departures == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(departures));
        Set<String> present = new HashSet<>(agentKeys);
        for (Map.Entry<String, Departure> departure : departures.entrySet()) {
            String key = departure.getKey();
            AgentKeys.requireValid(key, "departures{}");
            Validation.requireNonNull(departure.getValue(), "departures['" + key + "']");
            if (present.contains(key)) {
                throw new IllegalArgumentException("departures['" + key + "'] must not also be in agent_keys");
            }
            if (!AgentKeys.workspaceId(key).equals(departure.getValue().workspaceId())) {
                throw new IllegalArgumentException("departures['" + key + "'].workspace_id must be the key's workspace, was '"
                        + departure.getValue().workspaceId() + "'");
            }
        }
    }

    /** A marker without departures. */
    public CycleMarker(int schemaVersion, String deployment, long pollId, Instant observedAt, int partition,
            int partitionCount, List<String> agentKeys) {
        this(schemaVersion, deployment, pollId, observedAt, partition, partitionCount, agentKeys, Map.of());
    }
}
