package io.fleetevents.broadcaster.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.FleetAgent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentDirectoryTest {

    private final AgentDirectory directory = new AgentDirectory("unused:9092",
            new AgentsProperties("fleet.agents", Duration.ofMillis(100)), new SimpleMeterRegistry());

    @Test
    void shouldFindAnAgentByKeyPathOrAgentUuid() {
        directory.apply("ws-1/main", agent("ws-1/main", "alice/ws.main", "uuid-1", "connected"));

        assertThat(directory.find("ws-1/main").status()).isEqualTo("connected");
        assertThat(directory.find("alice/ws.main").key()).isEqualTo("ws-1/main");
        assertThat(directory.find("uuid-1").key()).isEqualTo("ws-1/main");
        assertThat(directory.find("nobody")).isNull();
    }

    @Test
    void shouldReplaceTheStateAndForgetTheOldAgentUuidOnARebuild() {
        directory.apply("ws-1/main", agent("ws-1/main", "alice/ws.main", "uuid-1", "connected"));

        directory.apply("ws-1/main", agent("ws-1/main", "alice/ws.main", "uuid-2", "connecting"));

        assertThat(directory.all()).hasSize(1);
        assertThat(directory.find("uuid-2").status()).isEqualTo("connecting");
        assertThat(directory.find("uuid-1")).isNull();
    }

    @Test
    void shouldRemoveAnAgentOnATombstoneAndTellListeners() {
        List<AgentChange> changes = new ArrayList<>();
        directory.addListener(changes::add);
        directory.apply("ws-1/main", agent("ws-1/main", "alice/ws.main", "uuid-1", "connected"));

        directory.apply("ws-1/main", null);
        directory.apply("ws-9/main", null);

        assertThat(directory.all()).isEmpty();
        assertThat(directory.find("alice/ws.main")).isNull();
        assertThat(changes).hasSize(2);
        assertThat(changes.get(1).current()).isNull();
        assertThat(changes.get(1).previous().agentId()).isEqualTo("uuid-1");
    }

    static FleetAgent agent(String key, String path, String agentId, String status) {
        return new FleetAgent(1, "acme", new AgentRef(key, path, key.substring(0, key.indexOf('/')), "alice", "coder", "t"),
                agentId, status, "ready", null, null, null, Instant.parse("2026-03-02T09:14:46Z"));
    }
}
