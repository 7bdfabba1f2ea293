package io.fleetevents.processor.topology;

import io.fleetevents.schemas.EventHeaders;
import io.fleetevents.schemas.EventNotification;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** CloudEvents 1.0 binary-mode headers (Kafka binding) plus the routing headers of {@link EventHeaders}. */
public final class CloudEventHeaders {

    private CloudEventHeaders() {
    }

    /** The headers of {@code event}, which is about {@code deployment}. */
    public static Headers of(EventNotification event, String deployment) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, EventHeaders.CE_SPECVERSION, EventHeaders.SPEC_VERSION);
        add(headers, EventHeaders.CE_ID, event.eventId());
        add(headers, EventHeaders.CE_TYPE, EventHeaders.ceType(event.eventType()));
        add(headers, EventHeaders.CE_SOURCE, EventHeaders.ceSource(deployment));
        add(headers, EventHeaders.CE_TIME, event.timestamp().toString());
        if (event.agentKey() != null) {
            add(headers, EventHeaders.CE_SUBJECT, event.agentKey());
        }
        add(headers, EventHeaders.CONTENT_TYPE, EventHeaders.CONTENT_TYPE_JSON);
        add(headers, EventHeaders.EVENT_TYPE, event.eventType().name());
        add(headers, EventHeaders.SEVERITY, event.severity().name());
        return headers;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
