package io.fleetevents.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.capacity.CapacityPartial;
import io.fleetevents.processor.capacity.CapacityPartialSerde;
import io.fleetevents.processor.capacity.ScopeCounts;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Snapshots;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** The written policy for a record whose processing throws: counted, logged, skipped (or, configured, fatal). */
class ProcessingErrorPolicyTest {

    private final List<String> errors = new ArrayList<>();
    private final TopologyListener listener = new TopologyListener() {
        @Override
        public void processingError(String node) {
            errors.add(node);
        }
    };

    private TopologyTestDriver driver(String policy) throws Exception {
        ProcessorConfig config = new ProcessorConfig("ttd", "unused:9092", null, null,
                new ProcessorConfig.StreamsConfig(null, null, null, Files.createTempDirectory("policy"), null, policy,
                        null, null, null));
        Properties props = StreamsSettings.of(config, listener);
        return new TopologyTestDriver(ProcessorTopology.build(config, listener), props);
    }

    /** A partial naming a scope the contract does not know makes CapacitySample's constructor throw. */
    private static CapacityPartial broken(long poll) {
        return new CapacityPartial(Snapshots.DEPLOYMENT, poll, Snapshots.T0, 0, 1,
                Map.of("team/x", new ScopeCounts(1, 1, 1)), List.of());
    }

    private static CapacityPartial valid(long poll) {
        return new CapacityPartial(Snapshots.DEPLOYMENT, poll, Snapshots.T0, 0, 1,
                Map.of("fleet", new ScopeCounts(1, 1, 0)), List.of());
    }

    @Test
    void shouldCountSkipAndContinueByDefault() throws Exception {
        try (TopologyTestDriver driver = driver(null)) {
            TestInputTopic<String, CapacityPartial> partials = driver.createInputTopic(
                    "ttd-capacity-partials-repartition", Serdes.String().serializer(), new CapacityPartialSerde());
            TestOutputTopic<String, CapacitySample> capacity = driver.createOutputTopic("fleet.capacity",
                    Serdes.String().deserializer(), Topics.FLEET_CAPACITY.valueSerde().deserializer());

            partials.pipeInput(Snapshots.DEPLOYMENT, broken(1));
            partials.pipeInput(Snapshots.DEPLOYMENT, valid(2));

            assertThat(errors).containsExactly(ProcessorTopology.CAPACITY_CYCLE);
            assertThat(capacity.readValuesToList()).extracting(CapacitySample::pollId).containsExactly(2L);
        }
    }

    @Test
    void shouldStopWhenConfiguredToFail() throws Exception {
        try (TopologyTestDriver driver = driver("fail")) {
            TestInputTopic<String, CapacityPartial> partials = driver.createInputTopic(
                    "ttd-capacity-partials-repartition", Serdes.String().serializer(), new CapacityPartialSerde());

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> partials.pipeInput(Snapshots.DEPLOYMENT, broken(1)))
                    .isInstanceOf(StreamsException.class);
            assertThat(errors).hasSize(1);
        }
    }
}
