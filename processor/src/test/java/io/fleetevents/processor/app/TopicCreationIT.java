package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetevents.processor.ProcessorApplication;
import io.fleetevents.testing.KafkaTestBroker;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** On the one-broker test cluster, a replication the cluster cannot satisfy stops the start, naming the key. */
class TopicCreationIT {

    @Test
    void shouldRefuseToStartNamingTheKeyAndTheBrokerCountWhenTopicsNeedMoreReplicasThanBrokers() {
        String input = KafkaTestBroker.uniqueTopic("creation-rf");

        assertThatThrownBy(() -> start(input, "--fleet.processor.topics.replication-factor=3"))
                .hasStackTraceContaining("fleet.processor.topics.replication-factor=3 is more than the 1 broker(s)");
    }

    @Test
    void shouldRefuseToStartWhenStreamsInternalTopicsNeedMoreReplicasThanBrokers() {
        String input = KafkaTestBroker.uniqueTopic("creation-internal-rf");

        assertThatThrownBy(() -> start(input, "--fleet.processor.streams.internal-replication-factor=2"))
                .hasStackTraceContaining("fleet.processor.streams.internal-replication-factor=2 is more than the 1 "
                        + "broker(s)");
    }

    private static void start(String input, String setting) throws Exception {
        new SpringApplicationBuilder(ProcessorApplication.class).run("--server.port=0",
                "--fleet.processor.bootstrap-servers=" + KafkaTestBroker.bootstrapServers(),
                "--fleet.processor.application-id=" + input + "-app",
                "--fleet.processor.topics.snapshots=" + input,
                "--fleet.processor.topics.events=" + input + "-events",
                "--fleet.processor.topics.capacity=" + input + "-capacity",
                "--fleet.processor.topics.agents=" + input + "-agents",
                "--fleet.processor.streams.state-dir=" + Files.createTempDirectory("creation-state"),
                setting).close();
    }
}
