package io.fleetevents.broadcaster.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.EventHeaders;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.SubscriptionFilter;
import io.fleetevents.testing.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeaderPrefilterTest {

    private static RecordHeaders headers(String type, String severity) {
        RecordHeaders headers = new RecordHeaders();
        if (type != null) {
            headers.add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.US_ASCII));
        }
        if (severity != null) {
            headers.add(EventHeaders.SEVERITY, severity.getBytes(StandardCharsets.US_ASCII));
        }
        return headers;
    }

    @Test
    void shouldAgreeWithTheFilterOnTheValueForEveryTypeSeverityAndFilterWithoutAgentPatterns() {
        List<SubscriptionFilter> filters = new ArrayList<>();
        filters.add(SubscriptionFilter.ALL);
        for (EventSeverity minimum : EventSeverity.values()) {
            filters.add(new SubscriptionFilter(List.of(), List.of(), minimum));
            for (EventType type : EventType.values()) {
                filters.add(new SubscriptionFilter(List.of(type), List.of(), minimum));
                filters.add(new SubscriptionFilter(List.of(type, EventType.AGENT_FAILURE), List.of(), null));
            }
        }
        int ruledOut = 0;
        for (EventType type : EventType.values()) {
            for (EventSeverity severity : EventSeverity.values()) {
                EventNotification event = Events.of(type, "alice/ws.main").severity(severity).build();
                RecordHeaders headers = headers(type.name(), severity.name());
                for (SubscriptionFilter filter : filters) {
                    boolean mayMatch = HeaderPrefilter.mayMatch(filter, headers);
                    assertThat(mayMatch).as("%s %s %s", type, severity, filter).isEqualTo(filter.matches(event));
                    ruledOut += mayMatch ? 0 : 1;
                }
            }
        }
        assertThat(ruledOut).isPositive();
    }

    @Test
    void shouldLeaveRecordsWithoutOrWithUnknownHeadersToTheValue() {
        SubscriptionFilter failuresOnly = new SubscriptionFilter(List.of(EventType.AGENT_FAILURE), List.of(),
                EventSeverity.CRITICAL);

        assertThat(HeaderPrefilter.mayMatch(failuresOnly, headers(null, null))).isTrue();
        assertThat(HeaderPrefilter.mayMatch(failuresOnly, headers("agent_failure", "critical"))).isTrue();
        assertThat(HeaderPrefilter.mayMatch(failuresOnly, headers("SOME_FUTURE_TYPE", "URGENT"))).isTrue();
        assertThat(HeaderPrefilter.mayMatch(failuresOnly, headers("TASK_COMPLETION", null))).isFalse();
        assertThat(HeaderPrefilter.mayMatch(failuresOnly, headers(null, "WARNING"))).isFalse();
    }
}
