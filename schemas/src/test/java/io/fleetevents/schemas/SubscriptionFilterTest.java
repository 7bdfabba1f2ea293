package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubscriptionFilterTest {

    private static final EventNotification ALICE_FAILURE = event(EventType.AGENT_FAILURE, EventSeverity.CRITICAL);

    @ParameterizedTest
    @CsvSource({
            "*, true",
            "alice/*, true",
            "alice/fix-*.main, true",
            "*.main, true",
            "3f1c2a9e-*/main, true",
            "aa11bb22-cc33-4d44-8e55-ff6677889900, true",
            "aa11bb22*, true",
            "bob/*, false",
            "alice/fix, false",
            "*.sidecar, false",
            "ALICE/*, false"
    })
    void shouldMatchWildcardsAgainstAgentUuidKeyAndPath(String pattern, boolean expected) {
        SubscriptionFilter filter = new SubscriptionFilter(List.of(), List.of(pattern), null);

        assertThat(filter.matches(ALICE_FAILURE)).isEqualTo(expected);
    }

    @Test
    void shouldApplyTypesAndMinimumSeverityTogether() {
        SubscriptionFilter failuresAtLeastWarning = SubscriptionFilter.fromParameters("AGENT_FAILURE, task_failure", null, "warning");

        assertThat(failuresAtLeastWarning.matches(ALICE_FAILURE)).isTrue();
        assertThat(failuresAtLeastWarning.matches(event(EventType.TASK_FAILURE, EventSeverity.INFO))).isFalse();
        assertThat(failuresAtLeastWarning.matches(event(EventType.AGENT_CONNECTED, EventSeverity.CRITICAL))).isFalse();
        assertThat(SubscriptionFilter.ALL.matches(event(EventType.AGENT_CONNECTED, EventSeverity.INFO))).isTrue();
    }

    @Test
    void shouldExplainWhatToFixInABadFilter() {
        assertThatThrownBy(() -> SubscriptionFilter.fromParameters("AGENT_EXPLODED", null, null))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("AGENT_EXPLODED").hasMessageContaining("AGENT_FAILURE");
        assertThatThrownBy(() -> SubscriptionFilter.fromParameters(null, null, "LOUD"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("INFO, WARNING, CRITICAL");
        assertThatThrownBy(() -> SubscriptionFilter.fromJson("{\"event_types\": \"AGENT_FAILURE\"}"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("event_types must be an array");
        assertThatThrownBy(() -> SubscriptionFilter.fromJson("{\"severity\": \"WARNING\"}"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("unknown field 'severity'");
        assertThatThrownBy(() -> SubscriptionFilter.fromJson("{oops"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SubscriptionFilter.fromJson("[]"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> SubscriptionFilter.fromJson("{\"agent_ids\": [\"\"]}"))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("agent_ids");
    }

    @Test
    void shouldNeverThrowAnythingButInvalidFilterExceptionOnRandomInput() {
        long seed = 7L;
        Random random = new Random(seed);
        String alphabet = "{}[]\",:*AGENT_FAILURE severity_min agent_ids event_types WARNING \\u0000 1.5e9 null true";
        for (int run = 0; run < 2_000; run++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(80);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String input = text.toString();
            try {
                SubscriptionFilter.fromJson(input);
                SubscriptionFilter.fromParameters(input, input, null);
            } catch (InvalidFilterException expected) {
                assertThat(expected.getMessage()).as("seed %d input %s", seed, input).isNotBlank();
            }
        }
    }

    @Test
    void shouldMatchGlobsWithoutCatastrophicBacktracking() {
        AgentPattern pattern = new AgentPattern("*a*a*a*a*a*a*a*a*a*a*b");
        String text = "a".repeat(5_000);

        assertThat(pattern.matches(text)).isFalse();
        assertThat(pattern.matches(text + "b")).isTrue();
    }

    private static EventNotification event(EventType type, EventSeverity severity) {
        AgentRef ref = new AgentRef("3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23/main", "alice/fix-flaky-tests.main",
                "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23", "alice", "coder", "claude-code");
        return new EventNotification("id", type, severity, Instant.parse("2025-10-27T14:30:00Z"),
                "aa11bb22-cc33-4d44-8e55-ff6677889900", null, "m", Map.of(), ref, null, null, null, 1);
    }
}
