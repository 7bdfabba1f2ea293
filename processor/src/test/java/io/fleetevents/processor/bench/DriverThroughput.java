package io.fleetevents.processor.bench;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.topology.ProcessorTopology;
import io.fleetevents.processor.topology.StreamsSettings;
import io.fleetevents.processor.topology.TopologyListener;
import java.nio.file.Files;
import java.util.Locale;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The real topology in a TopologyTestDriver (no broker): Streams' in-process cost per snapshot. */
public final class DriverThroughput {

    public static void main(String[] args) throws Exception {
        SnapshotWorkload workload = new SnapshotWorkload("bench", 2000);
        int n = 200_000;
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            values[i] = workload.value(i);
        }
        ProcessorConfig config = new ProcessorConfig("ttd", "unused:9092", null, null,
                new ProcessorConfig.StreamsConfig(null, null, null, Files.createTempDirectory("ttd"), null, null,
                        null, null, null));
        try (TopologyTestDriver driver = new TopologyTestDriver(ProcessorTopology.build(config),
                StreamsSettings.of(config, TopologyListener.NONE))) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic("coder.agent-snapshots",
                    Serdes.String().serializer(), Serdes.ByteArray().serializer());
            var events = driver.createOutputTopic("fleet.events", Serdes.String().deserializer(),
                    Serdes.ByteArray().deserializer());
            for (int round = 0; round < 4; round++) {
                long start = System.nanoTime();
                for (int i = round * (n / 4); i < (round + 1) * (n / 4); i++) {
                    in.pipeInput(workload.key(i), values[i]);
                }
                double secs = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "driver round %d: %,.0f snapshots/s, %d events%n", round,
                        n / 4 / secs, events.readRecordsToList().size());
            }
        }
    }
}
