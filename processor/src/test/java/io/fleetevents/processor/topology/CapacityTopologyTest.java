package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.processor.capacity.ScopeCounts;
import io.fleetevents.processor.capacity.WorkspaceEntry;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventHeaders;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Snapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Capacity samples and CAPACITY_WARNING through the real topology, markers and repartition included. */
class CapacityTopologyTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    /** Ten connected agents in org "coder", template "claude-code", {@code working} of them working. */
    private List<String> fleet(long pollId, int working) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Snapshots.Builder agent = Snapshots.agent("user" + i + "/ws" + i + ".main").connected().pollId(pollId);
            agent.appStatus(i < working ? "working" : "idle", "status", T0.plusSeconds(600 + pollId));
            harness.pipe(agent);
            keys.add(agent.key());
        }
        return keys;
    }

    private void cycle(long pollId, int working) {
        List<String> keys = fleet(pollId, working);
        harness.marker(pollId, keys.toArray(String[]::new));
    }

    private List<EventNotification> capacityEvents() {
        return harness.drainEvents().stream().filter(e -> e.eventType() == EventType.CAPACITY_WARNING).toList();
    }

    @Test
    void shouldWriteOneSamplePerScopeForEveryCompleteCycle() {
        cycle(1, 3);

        Map<String, CapacitySample> samples = harness.capacity.readKeyValuesToMap();

        assertThat(samples).containsOnlyKeys("fleet", "org/coder", "template/claude-code");
        assertThat(samples.get("fleet")).satisfies(s -> {
            assertThat(s.pollId()).isEqualTo(1);
            assertThat(s.workspaces()).isEqualTo(10);
            assertThat(s.agents()).isEqualTo(10);
            assertThat(s.connectedAgents()).isEqualTo(10);
            assertThat(s.workingAgents()).isEqualTo(3);
            assertThat(s.utilisation()).isEqualTo(0.3);
        });
    }

    @Test
    void shouldWarnOnceOnTheWayUpAndResolveOnlyBelowThresholdMinusHysteresis() {
        cycle(1, 5);
        assertThat(capacityEvents()).isEmpty();

        cycle(2, 8);
        List<EventNotification> up = capacityEvents();
        cycle(3, 9);
        cycle(4, 8);
        List<EventNotification> steady = capacityEvents();
        cycle(5, 7);
        List<EventNotification> down = capacityEvents();

        assertThat(up).hasSize(3).allSatisfy(e -> {
            assertThat(e.severity()).isEqualTo(EventSeverity.WARNING);
            assertThat(e.metadata()).containsEntry("resolved", false);
        });
        assertThat(up).extracting(e -> e.agent().key())
                .containsExactly("fleet/fleet", "fleet/org/coder", "fleet/template/claude-code");
        assertThat(steady).as("80% -> 90% -> 80%: still the same warning").isEmpty();
        assertThat(down).hasSize(3).allSatisfy(e -> {
            assertThat(e.severity()).isEqualTo(EventSeverity.INFO);
            assertThat(e.metadata()).containsEntry("resolved", true);
        });
    }

    @Test
    void shouldRaiseCriticalAtNinetyFivePercent() {
        cycle(1, 10);

        assertThat(capacityEvents()).hasSize(3).allSatisfy(e -> assertThat(e.severity())
                .isEqualTo(EventSeverity.CRITICAL));
    }

    @Test
    void shouldKeyCapacityEventsByScopeWithCloudEventsHeaders() {
        cycle(1, 10);

        List<TestRecord<String, EventNotification>> records = harness.drainEventRecords().stream()
                .filter(r -> r.value().eventType() == EventType.CAPACITY_WARNING).toList();

        assertThat(records).first().satisfies(r -> {
            assertThat(r.key()).isEqualTo("fleet/fleet");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_TYPE))
                    .isEqualTo("io.fleetevents.capacity_warning");
            assertThat(TopologyHarness.header(r.headers(), EventHeaders.CE_SUBJECT)).isEqualTo("fleet/fleet");
        });
    }

    @Test
    void shouldWarnAboutAProvisionerBacklogAndResolveIt() {
        Snapshots.Builder queued = Snapshots.agentless("carol/waiting").queued(3, 3).provisionersAvailable(0).pollId(1);
        harness.pipe(queued);
        harness.marker(1, queued.key());

        List<EventNotification> raised = capacityEvents();
        harness.pipe(Snapshots.agentless("carol/waiting").jobStatus("running").pollId(2));
        harness.marker(2, queued.key());
        List<EventNotification> resolved = capacityEvents();

        assertThat(raised).isNotEmpty().allSatisfy(e -> {
            assertThat(e.severity()).isEqualTo(EventSeverity.WARNING);
            assertThat(e.metadata()).containsEntry("kind", "provisioner_backlog")
                    .containsEntry("builds_without_provisioner", 1);
        });
        assertThat(resolved).hasSameSizeAs(raised)
                .allSatisfy(e -> assertThat(e.metadata()).containsEntry("resolved", true));
    }

    @Test
    void shouldCombineAFleetWideCycleOnlyWhenEveryPartitionReported() {
        List<String> keys = fleet(1, 2);
        harness.pipe(Snapshots.marker(Snapshots.DEPLOYMENT, 1, 0, 3, keys));
        assertThat(harness.capacity.isEmpty()).as("1 of 3 partitions").isTrue();

        harness.partials.pipeInput(Snapshots.DEPLOYMENT, partial(1, 1, 3, 5, 5, 5, "ws-a"));
        assertThat(harness.capacity.isEmpty()).as("2 of 3 partitions").isTrue();
        harness.partials.pipeInput(Snapshots.DEPLOYMENT, partial(1, 2, 3, 5, 5, 0, "ws-a"));

        CapacitySample fleet = harness.capacity.readKeyValuesToMap().get("fleet");
        assertThat(fleet.agents()).isEqualTo(20);
        assertThat(fleet.workingAgents()).isEqualTo(7);
        assertThat(fleet.workspaces()).as("ws-a spans two partitions and counts once").isEqualTo(11);
    }

    @Test
    void shouldDropLatePartialsOfACycleAlreadyCombined() {
        cycle(1, 2);
        harness.capacity.readValuesToList();

        harness.partials.pipeInput(Snapshots.DEPLOYMENT, partial(1, 0, 1, 99, 99, 99, "ws-late"));

        assertThat(harness.capacity.isEmpty()).isTrue();
    }

    private static CapacityPartial partial(long poll, int partition, int count, int agents, int connected, int working,
                                           String workspace) {
        return new CapacityPartial(Snapshots.DEPLOYMENT, poll, T0, partition, count,
                Map.of("fleet", new ScopeCounts(agents, connected, working)),
                List.of(new WorkspaceEntry(workspace, "coder", "claude-code", false, false)));
    }
}
