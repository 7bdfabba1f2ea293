package io.fleetevents.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The seed's own examples, verbatim, are valid Fleet Events documents. */
class SeedExamplesTest {

    private static final String SEED_SUBSCRIPTION =
            "{\"event_types\": [\"AGENT_FAILURE\", \"TASK_COMPLETION\"], \"agent_ids\": [\"agent-1\", \"agent-2\"], \"severity_min\": \"WARNING\"}";

    private static final String SEED_EVENT =
            "{\"event_type\": \"AGENT_FAILURE\", \"severity\": \"CRITICAL\", \"timestamp\": \"2025-10-27T14:30:00Z\", \"agent_id\": \"agent-123\",\n"
                    + " \"message\": \"Agent disconnected unexpectedly\", \"metadata\": {\"last_seen\": \"2025-10-27T14:29:45Z\", \"error\": \"Connection timeout\"}}";

    @Test
    void shouldParseTheSeedEventWithoutTheFieldsTheDesignAddsAndRoundTripItToEqualJson() {
        EventNotification event = FleetJson.mapper().readValue(SEED_EVENT, EventNotification.class);

        assertThat(event.eventType()).isEqualTo(EventType.AGENT_FAILURE);
        assertThat(event.severity()).isEqualTo(EventSeverity.CRITICAL);
        assertThat(event.timestamp()).isEqualTo(Instant.parse("2025-10-27T14:30:00Z"));
        assertThat(event.agentId()).isEqualTo("agent-123");
        assertThat(event.metadata()).containsEntry("error", "Connection timeout");
        assertThat(event.eventId()).isNull();
        assertThat(event.agent()).isNull();
        assertThat(event.schemaVersion()).isNull();
        JsonNode written = FleetJson.mapper().valueToTree(event);
        assertThat(written).isEqualTo(FleetJson.mapper().readTree(SEED_EVENT));
        assertThat(PublishedSchemas.errors("event-notification", FleetJson.mapper().readTree(SEED_EVENT))).isEmpty();
    }

    @Test
    void shouldParseTheSeedSubscriptionDocumentAndRoundTripItToEqualJson() {
        SubscriptionFilter filter = SubscriptionFilter.fromJson(SEED_SUBSCRIPTION);

        assertThat(filter.eventTypes()).containsExactly(EventType.AGENT_FAILURE, EventType.TASK_COMPLETION);
        assertThat(filter.agentIds()).containsExactly("agent-1", "agent-2");
        assertThat(filter.severityMin()).isEqualTo(EventSeverity.WARNING);
        assertThat((Object) FleetJson.mapper().valueToTree(filter)).isEqualTo(FleetJson.mapper().readTree(SEED_SUBSCRIPTION));
        assertThat(FleetJson.mapper().readValue(SEED_SUBSCRIPTION, SubscriptionFilter.class)).isEqualTo(filter);
        assertThat(PublishedSchemas.errors("subscription-filter", FleetJson.mapper().readTree(SEED_SUBSCRIPTION))).isEmpty();
    }

    @Test
    void shouldMatchTheSeedEventWithTheSeedSubscriptionOnlyWhenTheAgentIsListed() {
        EventNotification event = FleetJson.mapper().readValue(SEED_EVENT, EventNotification.class);
        SubscriptionFilter seed = SubscriptionFilter.fromJson(SEED_SUBSCRIPTION);
        SubscriptionFilter withAgent = new SubscriptionFilter(seed.eventTypes(), List.of("agent-1", "agent-12*"), seed.severityMin());

        assertThat(seed.matches(event)).isFalse();
        assertThat(withAgent.matches(event)).isTrue();
    }
}
