package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void shouldGiveTheSameIdForTheSameInputs() {
        String first = EventIds.of("acme", EventType.AGENT_FAILURE, "ws-1/main", "agent-uuid", "disconnected");
        String again = EventIds.of("acme", EventType.AGENT_FAILURE, "ws-1/main", "agent-uuid", "disconnected");

        assertThat(again).isEqualTo(first);
        assertThat(UUID.fromString(first).version()).isEqualTo(5);
        assertThat(UUID.fromString(first).variant()).isEqualTo(2);
    }

    @Test
    void shouldGiveDifferentIdsWhenAnyDefiningInputDiffers() {
        String base = EventIds.of("acme", EventType.AGENT_FAILURE, "ws-1/main", "a", "b");

        assertThat(EventIds.of("other", EventType.AGENT_FAILURE, "ws-1/main", "a", "b")).isNotEqualTo(base);
        assertThat(EventIds.of("acme", EventType.AGENT_DISCONNECTED, "ws-1/main", "a", "b")).isNotEqualTo(base);
        assertThat(EventIds.of("acme", EventType.AGENT_FAILURE, "ws-2/main", "a", "b")).isNotEqualTo(base);
        assertThat(EventIds.of("acme", EventType.AGENT_FAILURE, "ws-1/main", "ab")).isNotEqualTo(base);
        assertThat(EventIds.of("acme", EventType.AGENT_FAILURE, "ws-1/main", "a", "b", "")).isNotEqualTo(base);
    }

    @Test
    void shouldMatchTheRfc9562Version5Algorithm() {
        // RFC 9562 appendix A.4: name "www.example.com" in the DNS namespace.
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        assertThat(EventIds.nameBased(dns, "www.example.com"))
                .isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }
}
