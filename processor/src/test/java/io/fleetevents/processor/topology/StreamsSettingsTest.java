package io.fleetevents.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.processor.ProcessorConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static ProcessorConfig config(Map<String, String> overrides) {
        return new ProcessorConfig("settings", "unused:9092", null, null,
                new ProcessorConfig.StreamsConfig(null, null, null, Path.of("target", "settings-state"), null, null,
                        null, null, overrides));
    }

    @Test
    void shouldRunExactlyOnceWithoutRecordCacheAndWithAShortProducerLingerByDefault() {
        Properties props = StreamsSettings.of(config(Map.of()), TopologyListener.NONE);

        assertThat(props.get("processing.guarantee")).isEqualTo("exactly_once_v2");
        assertThat(props.get("commit.interval.ms")).isEqualTo(100L);
        assertThat(props.get("statestore.cache.max.bytes")).isEqualTo(0L);
        assertThat(props.get("producer.linger.ms")).isEqualTo(5);
        assertThat(props.get("producer.max.in.flight.requests.per.connection")).isEqualTo(1);
        assertThat(props.get("producer.compression.type")).isEqualTo("none");
    }

    @Test
    void shouldApplyRawOverridesLast() {
        Properties props = StreamsSettings.of(config(Map.of("producer.linger.ms", "20")), TopologyListener.NONE);

        assertThat(props.get("producer.linger.ms")).isEqualTo("20");
    }
}
