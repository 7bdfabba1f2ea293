package io.fleetevents.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneConfigTest {

    @Test
    void shouldUseDefaultsAndLetArgumentsOverrideTheEnvironment() {
        StandaloneConfig config = StandaloneConfig.from(Map.of("FLEET_HTTP_PORT", "9000", "FLEET_SIM_ACTIVITY", "0"),
                new String[] {"--fleet-http-port=9090", "--fleet-poll-interval=500ms"});

        assertThat(config.httpPort()).isEqualTo(9090);
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.simActivity()).isZero();
        assertThat(config.dataDir()).isEqualTo(Path.of(".fleet-events"));
        assertThat(config.kafkaPort()).isEqualTo(9092);
        assertThat(config.realCoder()).isFalse();
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> StandaloneConfig.from(Map.of("FLEET_HTTP_PORT", "eighty"), new String[0]))
                .hasMessageContaining("FLEET_HTTP_PORT");
        assertThatThrownBy(() -> StandaloneConfig.from(Map.of("FLEET_KAFKA_PORT", "70000"), new String[0]))
                .hasMessageContaining("FLEET_KAFKA_PORT").hasMessageContaining("65535");
        assertThatThrownBy(() -> StandaloneConfig.from(Map.of("FLEET_POLL_INTERVAL", "soon"), new String[0]))
                .hasMessageContaining("FLEET_POLL_INTERVAL");
        assertThatThrownBy(() -> StandaloneConfig.from(Map.of("CODER_URL", "https://coder.example"), new String[0]))
                .hasMessageContaining("CODER_SESSION_TOKEN");
        assertThatThrownBy(() -> StandaloneConfig.from(Map.of(), new String[] {"--oops"}))
                .hasMessageContaining("--oops");
    }

    @Test
    void shouldNeverPrintTheCoderToken() {
        StandaloneConfig config = StandaloneConfig.from(
                Map.of("CODER_URL", "https://coder.example", "CODER_SESSION_TOKEN", "s3cr3t-token"), new String[0]);

        assertThat(config.realCoder()).isTrue();
        assertThat(config.toString()).doesNotContain("s3cr3t-token");
    }
}
