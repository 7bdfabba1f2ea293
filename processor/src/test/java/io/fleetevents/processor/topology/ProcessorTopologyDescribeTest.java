package io.fleetevents.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.ProcessorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The topology's shape is part of its contract: a renamed store, repartition topic or processor silently starts
 * from an empty changelog. Intentional changes update {@code topology-describe.txt} (set
 * {@code -Dprocessor.updateGolden=true} to rewrite it) and are reviewed as such.
 */
class ProcessorTopologyDescribeTest {

    private static final String GOLDEN = "/io/fleetevents/processor/topology/topology-describe.txt";

    @Test
    void shouldMatchTheCheckedInDescriptionOfTheTopology() throws IOException {
        String actual = ProcessorTopology.build(ProcessorConfig.defaults()).describe().toString().strip() + "\n";

        if (Boolean.getBoolean("processor.updateGolden")) {
            Path file = Path.of("src/test/resources" + GOLDEN);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual);
        }
        String expected;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file %s", GOLDEN).isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void shouldNameEveryStoreAndTheRepartitionTopic() {
        String description = ProcessorTopology.build(ProcessorConfig.defaults()).describe().toString();

        assertThat(description).contains("agent-state-store", "cycle-progress-store", "capacity-partials-store",
                "capacity-alerts-store", "capacity-partials-repartition");
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }
}
