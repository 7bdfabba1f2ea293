package io.fleetevents.processor.topology;

import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Snapshots;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * A snapshot or marker as the JSON tree the poller writes, for the few facts the shared fixture builders do not set
 * (a given agent UUID, {@code is_prebuild}, a marker's time and {@code departures}): build with the fixture, then
 * edit the tree.
 */
public final class SnapshotJson {

    private SnapshotJson() {
    }

    public static ObjectNode tree(SnapshotRecord record) {
        byte[] bytes = Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize("t", record);
        return (ObjectNode) FleetJson.mapper().readTree(bytes);
    }

    public static ObjectNode tree(Snapshots.Builder builder, Consumer<ObjectNode> edit) {
        ObjectNode tree = tree(builder.build());
        edit.accept(tree);
        return tree;
    }

    /** A marker of the driver's single partition completed at {@code observedAt}, listing {@code keys}. */
    public static ObjectNode marker(long pollId, Instant observedAt, List<String> keys) {
        return tree(new CycleMarker(SnapshotRecord.CURRENT_SCHEMA_VERSION, Snapshots.DEPLOYMENT, pollId, observedAt, 0,
                1, keys));
    }

    /** Adds a departure of {@code key} to a marker tree. */
    public static ObjectNode departure(ObjectNode marker, String key, String reason, int buildNumber, String transition,
                                String initiator) {
        ObjectNode all = marker.get("departures") instanceof ObjectNode existing ? existing
                : marker.putObject("departures");
        ObjectNode d = all.putObject(key);
        d.put("reason", reason);
        d.put("build_id", "build-" + buildNumber);
        d.put("build_number", buildNumber);
        d.put("transition", transition);
        d.put("job_status", "running");
        d.put("initiator", initiator);
        d.put("workspace_id", key.substring(0, key.indexOf('/')));
        return marker;
    }

    public static ObjectNode agent(ObjectNode snapshot) {
        return (ObjectNode) snapshot.get("agent");
    }

    public static ObjectNode workspace(ObjectNode snapshot) {
        return (ObjectNode) snapshot.get("workspace");
    }
}
