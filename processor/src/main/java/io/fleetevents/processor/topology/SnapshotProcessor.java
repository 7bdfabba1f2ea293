package io.fleetevents.processor.topology;

import io.fleetevents.processor.capacity.CapacityPolicy;
import io.fleetevents.processor.capacity.PartialCounter;
import io.fleetevents.processor.diff.AgentDiff;
import io.fleetevents.processor.diff.AgentState;
import io.fleetevents.processor.diff.CurrentAgent;
import io.fleetevents.processor.diff.DiffPolicy;
import io.fleetevents.processor.diff.DiffResult;
import io.fleetevents.processor.diff.MarkerResult;
import io.fleetevents.processor.snapshot.AgentObservation;
import io.fleetevents.processor.snapshot.InvalidSnapshotException;
import io.fleetevents.processor.snapshot.MarkerObservation;
import io.fleetevents.processor.snapshot.ParsedSnapshot;
import io.fleetevents.processor.snapshot.SnapshotReader;
import io.fleetevents.schemas.DlqHeaders;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.FleetAgent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code agent-diff} processor: one per input partition (stream task), so its {@code agent-state-store} holds
 * exactly the agent keys of that partition.
 *
 * <ul>
 *   <li>An agent snapshot: read the key's state, run {@link AgentDiff}, store the next state, forward the events.</li>
 *   <li>A cycle marker: the marker lists the partition's keys present in a complete cycle, so every stored key of
 *       the same deployment that it does not list, and that was last seen before that cycle, has left: a departure
 *       the marker explains by a build is an INFO disconnect, anything else a vanish, and its state is deleted.
 *       Pending disconnects whose grace is over are reported here too ({@link AgentDiff#atMarker}). Silence, restarts and poller outages never delete anything, because
 *       only a marker does. Then the present keys are counted into this partition's {@code CapacityPartial},
 *       forwarded (keyed by deployment) towards the fleet-wide combination in {@link CapacityCycleProcessor}.</li>
 *   <li>After either: the key's {@code fleet.agents} record ({@link CurrentAgent} of the new state) when it differs
 *       from the record of the state before, a tombstone when the state is deleted. Forwarded after the events, in
 *       the same task and so the same transaction.</li>
 *   <li>Anything that breaks the snapshot contract (unparseable, invalid, key differing from {@code agent_key}, a
 *       marker on a partition other than its own): forwarded to the dead-letter topic with {@link DlqHeaders}, and
 *       processing continues.</li>
 * </ul>
 */
final class SnapshotProcessor implements Processor<byte[], byte[], String, Emit> {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProcessor.class);

    private final SnapshotReader reader = new SnapshotReader();
    private final CapacityPolicy policy;
    private final DiffPolicy diffPolicy;
    private final TopologyListener listener;
    private ProcessorContext<String, Emit> context;
    private KeyValueStore<String, AgentState> states;
    private KeyValueStore<String, Long> cycles;

    SnapshotProcessor(CapacityPolicy policy, DiffPolicy diffPolicy, TopologyListener listener) {
        this.policy = policy;
        this.diffPolicy = diffPolicy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        this.context = context;
        this.states = context.getStateStore(ProcessorTopology.AGENT_STATE_STORE);
        this.cycles = context.getStateStore(ProcessorTopology.CYCLE_PROGRESS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ParsedSnapshot parsed;
        try {
            parsed = reader.read(record.value());
        } catch (InvalidSnapshotException e) {
            deadLetter(record, e.getMessage(), e);
            return;
        }
        if (parsed instanceof AgentObservation snapshot) {
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            if (!snapshot.agentKey().equals(key)) {
                deadLetter(record, "record key '" + key + "' differs from agent_key '" + snapshot.agentKey() + "'",
                        null);
                return;
            }
            onSnapshot(record, key, snapshot);
        } else if (parsed instanceof MarkerObservation marker) {
            int partition = context.recordMetadata().map(RecordMetadata::partition).orElse(marker.partition());
            if (partition != marker.partition()) {
                deadLetter(record, "cycle marker for partition " + marker.partition() + " arrived on partition "
                        + partition, null);
                return;
            }
            onMarker(record, marker);
        }
    }

    private void onSnapshot(Record<byte[], byte[]> record, String key, AgentObservation snapshot) {
        AgentState previous = states.get(key);
        DiffResult result = AgentDiff.between(previous, snapshot, diffPolicy);
        if (result.stale()) {
            listener.staleSnapshot();
            return;
        }
        if (!result.next().equals(previous)) {
            states.put(key, result.next());
        }
        for (EventNotification event : result.events()) {
            forwardEvent(record.timestamp(), event, snapshot.deployment());
        }
        forwardAgent(record.timestamp(), key, previous, result.next());
    }

    private void onMarker(Record<byte[], byte[]> record, MarkerObservation marker) {
        Long lastPoll = cycles.get(marker.deployment());
        if (lastPoll != null && marker.pollId() <= lastPoll) {
            listener.lateMarker();
            return;
        }
        PartialCounter counter = new PartialCounter(policy, marker);
        List<Change> changes = new ArrayList<>();
        try (KeyValueIterator<String, AgentState> all = states.all()) {
            while (all.hasNext()) {
                KeyValue<String, AgentState> entry = all.next();
                AgentState state = entry.value;
                if (!state.deployment().equals(marker.deployment())) {
                    continue;
                }
                MarkerResult result = AgentDiff.atMarker(state, marker, diffPolicy);
                if (result.changed()) {
                    changes.add(new Change(entry.key, state, result));
                }
                if (marker.agentKeys().contains(entry.key)) {
                    counter.add(result.next());
                }
            }
        }
        // Written after the scan: a store must not change under its open iterator.
        for (Change change : changes) {
            if (change.result().gone()) {
                states.delete(change.key());
            } else {
                states.put(change.key(), change.result().next());
            }
            change.result().events().forEach(e -> forwardEvent(record.timestamp(), e, marker.deployment()));
            forwardAgent(record.timestamp(), change.key(), change.before(), change.result().next());
        }
        cycles.put(marker.deployment(), marker.pollId());
        context.forward(new Record<String, Emit>(marker.deployment(), new Emit.Partial(counter.toPartial()),
                record.timestamp(), new RecordHeaders()));
    }

    private void forwardEvent(long timestamp, EventNotification event, String deployment) {
        context.forward(new Record<String, Emit>(event.agentKey(), new Emit.Event(event), timestamp,
                CloudEventHeaders.of(event, deployment)));
        listener.eventEmitted(event.eventType());
    }

    /** The key's {@code fleet.agents} record when it changed; a tombstone when a listed state went away. */
    private void forwardAgent(long timestamp, String key, AgentState before, AgentState after) {
        FleetAgent previous = CurrentAgent.of(before);
        FleetAgent next = CurrentAgent.of(after);
        if (!Objects.equals(previous, next)) {
            context.forward(new Record<String, Emit>(key, new Emit.Agent(next), timestamp, new RecordHeaders()));
            listener.agentWritten(next == null);
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, Exception cause) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String topic = meta.map(RecordMetadata::topic).orElse("?");
        String partition = meta.map(m -> Integer.toString(m.partition())).orElse("?");
        String offset = meta.map(m -> Long.toString(m.offset())).orElse("?");
        LOG.warn("Dead-lettering snapshot record {}-{}@{}: {}", topic, partition, offset, reason);
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(DlqHeaders.TOPIC, bytes(topic));
        headers.add(DlqHeaders.PARTITION, bytes(partition));
        headers.add(DlqHeaders.OFFSET, bytes(offset));
        headers.add(DlqHeaders.REASON, bytes(oneLine(reason)));
        headers.add(DlqHeaders.EXCEPTION, bytes(cause == null ? InvalidSnapshotException.class.getName()
                : cause.getClass().getName()));
        headers.add(DlqHeaders.REJECTED_BY, bytes("processor"));
        context.forward(new Record<String, Emit>(null, new Emit.DeadLetter(record.key(), record.value()),
                record.timestamp(), headers));
        listener.deadLettered(reason);
    }

    /** A stored key whose state a marker changes: the state before, and what the marker makes of it. */
    private record Change(String key, AgentState before, MarkerResult result) {
    }

    private static String oneLine(String text) {
        String line = text == null ? "invalid snapshot" : text.replace('\n', ' ').replace('\r', ' ');
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
