package io.fleetevents.processor.topology;

import io.fleetevents.processor.capacity.AlertState;
import io.fleetevents.processor.capacity.CapacityAlerts;
import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.processor.capacity.CapacityPolicy;
import io.fleetevents.processor.capacity.CycleCombiner;
import io.fleetevents.processor.capacity.CycleOutcome;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventNotification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The {@code capacity-cycle} processor: turns per-partition partials into fleet-wide cycles.
 *
 * <p>How the markers combine. The poller writes one cycle marker to every partition of the input topic after a
 * complete cycle. Each {@code agent-diff} task (one per input partition) answers its marker with one
 * {@link CapacityPartial} for that partition, re-keyed by deployment through the named {@code capacity-partials}
 * repartition topic, so every partial of a deployment reaches this one processor, in per-partition order. Partials
 * are kept in {@code capacity-partials-store} under {@code <deployment>|<poll id>|<partition>} until all
 * {@code partition_count} partitions of a poll id have reported: only then is the cycle fleet-wide and complete,
 * and only then are samples written and alerts evaluated. Because each partition's markers arrive in poll order, a
 * cycle completes before any later one; partials of a cycle at or below the last completed one are late duplicates
 * and are dropped, and a cycle's completion discards the leftovers of older cycles that can no longer complete.
 */
final class CapacityCycleProcessor implements Processor<String, CapacityPartial, String, Emit> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final CapacityPolicy policy;
    private final TopologyListener listener;
    private ProcessorContext<String, Emit> context;
    private KeyValueStore<String, CapacityPartial> partials;
    private KeyValueStore<String, AlertState> alerts;

    CapacityCycleProcessor(CapacityPolicy policy, TopologyListener listener) {
        this.policy = policy;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Emit> context) {
        this.context = context;
        this.partials = context.getStateStore(ProcessorTopology.CAPACITY_PARTIALS_STORE);
        this.alerts = context.getStateStore(ProcessorTopology.CAPACITY_ALERTS_STORE);
    }

    @Override
    public void process(Record<String, CapacityPartial> record) {
        CapacityPartial partial = record.value();
        String deployment = partial.deployment();
        AlertState state = alerts.get(deployment);
        if (state != null && partial.pollId() <= state.lastCompletedPoll()) {
            return;
        }
        partials.put(pollPrefix(deployment, partial.pollId()) + String.format("%06d", partial.partition()), partial);

        List<CapacityPartial> cycle = new ArrayList<>();
        Set<Integer> reported = new HashSet<>();
        try (KeyValueIterator<String, CapacityPartial> it =
                     partials.prefixScan(pollPrefix(deployment, partial.pollId()), KEYS)) {
            while (it.hasNext()) {
                CapacityPartial p = it.next().value;
                cycle.add(p);
                reported.add(p.partition());
            }
        }
        if (reported.size() < partial.partitionCount()) {
            return;
        }
        CycleOutcome outcome = CapacityAlerts.evaluate(policy, state, CycleCombiner.combine(policy, cycle),
                deployment, partial.pollId(), partial.observedAt());
        for (CapacitySample sample : outcome.samples()) {
            context.forward(new Record<String, Emit>(sample.scope(), new Emit.Sample(sample), record.timestamp(),
                    new RecordHeaders()));
        }
        for (EventNotification event : outcome.events()) {
            context.forward(new Record<String, Emit>(event.agentKey(), new Emit.Event(event), record.timestamp(),
                    CloudEventHeaders.of(event, deployment)));
            listener.eventEmitted(event.eventType());
        }
        alerts.put(deployment, outcome.next());
        discardUpTo(deployment, partial.pollId());
        listener.cycleCompleted(outcome.samples().size());
    }

    private void discardUpTo(String deployment, long pollId) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, CapacityPartial> it = partials.prefixScan(deployment + "|", KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, CapacityPartial> entry = it.next();
                if (entry.value.deployment().equals(deployment) && entry.value.pollId() <= pollId) {
                    done.add(entry.key);
                }
            }
        }
        done.forEach(partials::delete);
    }

    private static String pollPrefix(String deployment, long pollId) {
        return deployment + "|" + String.format("%020d", pollId) + "|";
    }
}
