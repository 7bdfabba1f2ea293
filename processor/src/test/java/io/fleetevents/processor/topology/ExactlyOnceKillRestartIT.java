package io.fleetevents.processor.topology;

import static io.fleetevents.testing.Snapshots.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.processor.CommittedEvents;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.KafkaTestBroker;
import io.fleetevents.testing.Snapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once across a hard crash: the real processor app runs in a child JVM, is killed with SIGKILL while
 * snapshots are still arriving, and is restarted; a read_committed consumer must then see every expected event
 * exactly once, compared by {@code event_id} with what the same input yields in a TopologyTestDriver.
 */
class ExactlyOnceKillRestartIT {

    private static final int AGENTS = 150;

    @Test
    void shouldDeliverEveryEventExactlyOnceWhenTheProcessorIsKilledMidStreamAndRestarted() throws Exception {
        String input = KafkaTestBroker.uniqueTopic("eos-snapshots");
        String events = input + "-events";
        KafkaTestBroker.createTopic(input, 6);
        KafkaTestBroker.createTopic(events, 6);
        List<AgentSnapshot> snapshots = workload();
        Set<String> expected = expectedEventIds(snapshots);
        Path stateDir = Files.createTempDirectory("eos-state");
        Path log = Files.createTempFile("eos-processor", ".log");
        String[] props = {
            "fleet.processor.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
            "fleet.processor.application-id=" + input + "-app",
            "fleet.processor.topics.snapshots=" + input,
            "fleet.processor.topics.events=" + events,
            "fleet.processor.topics.capacity=" + input + "-capacity",
            "fleet.processor.topics.agents=" + input + "-agents",
            "fleet.processor.streams.state-dir=" + stateDir,
            "fleet.processor.streams.overrides[consumer.session.timeout.ms]=6000",
            "server.port=0"};
        AtomicInteger produced = new AtomicInteger();

        try (CommittedEvents reader = new CommittedEvents(events)) {
            ProcessorProcess first = ProcessorProcess.start(log, props);
            produce(input, snapshots.subList(0, AGENTS * 3), produced, 0);
            await().atMost(Duration.ofSeconds(120)).until(() -> reader.poll().size() >= AGENTS);

            Thread producer = new Thread(() -> produce(input, snapshots.subList(AGENTS * 3, snapshots.size()),
                    produced, 75), "eos-producer");
            producer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> produced.get() >= AGENTS * 3 + 60);
            first.kill();
            assertThat(produced.get()).as("killed mid-stream").isLessThan(snapshots.size());

            try (ProcessorProcess second = ProcessorProcess.start(log, props)) {
                producer.join(120_000);
                await().atMost(Duration.ofSeconds(180)).until(() -> reader.poll().size() >= expected.size());
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> reader.poll().size() == expected.size());

                List<String> ids = reader.poll().stream().map(EventNotification::eventId).toList();
                assertThat(ids).doesNotHaveDuplicates();
                assertThat(Set.copyOf(ids)).isEqualTo(expected);
            }
        }
    }

    /** Each agent connects, works, completes a task, dies, and comes back rebuilt: four events per agent. */
    private static List<AgentSnapshot> workload() {
        List<AgentSnapshot> all = new ArrayList<>();
        for (int step = 0; step < 6; step++) {
            for (int a = 0; a < AGENTS; a++) {
                Snapshots.Builder b = Snapshots.agent("user" + a + "/eos-" + a + ".main").pollId(step + 1);
                switch (step) {
                    case 0 -> b.connecting();
                    case 1 -> b.connected();
                    case 2 -> b.appStatus("working", "on it", T0.plusSeconds(600));
                    case 3 -> b.appStatus("working", "on it", T0.plusSeconds(600))
                            .appStatus("complete", "done", T0.plusSeconds(900));
                    // seen past the disconnect's grace: reported by this snapshot, no marker needed
                    case 4 -> b.disconnectedAt(T0.plusSeconds(2000)).observedAt(T0.plusSeconds(2100));
                    default -> b.buildNumber(2).connected();
                }
                all.add(b.build());
            }
        }
        return all;
    }

    private static Set<String> expectedEventIds(List<AgentSnapshot> snapshots) {
        try (TopologyHarness harness = new TopologyHarness()) {
            snapshots.forEach(harness::pipe);
            List<String> ids = harness.drainEvents().stream().map(EventNotification::eventId).toList();
            assertThat(ids).hasSize(AGENTS * 4).doesNotHaveDuplicates();
            return ids.stream().collect(Collectors.toSet());
        }
    }

    /** Produces {@code snapshots} in order, at {@code perSecond} (0: as fast as possible). */
    private static void produce(String topic, List<AgentSnapshot> snapshots, AtomicInteger produced, int perSecond) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestBroker.bootstrapServers());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < snapshots.size(); i++) {
                if (perSecond > 0) {
                    long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                AgentSnapshot s = snapshots.get(i);
                producer.send(new ProducerRecord<>(topic, s.agentKey(),
                        Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize(topic, s)));
                if (perSecond > 0) {
                    producer.flush();
                }
                produced.incrementAndGet();
            }
        }
    }
}
