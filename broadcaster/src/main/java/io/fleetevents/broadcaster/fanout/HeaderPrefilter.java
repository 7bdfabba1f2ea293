package io.fleetevents.broadcaster.fanout;

import io.fleetevents.schemas.EventHeaders;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.SubscriptionFilter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Rules records out by their {@code event_type} and {@code severity} headers (the contract's routing headers, equal
 * to the value's fields), so a replay filtered by type or severity does not decode the events it skips. It only
 * ever says "cannot match": a record without those headers, or with values this release does not know, is decoded
 * and the filter decides on the value as always.
 */
public final class HeaderPrefilter {

    private static final Map<String, EventType> TYPES = Arrays.stream(EventType.values())
            .collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));
    private static final Map<String, EventSeverity> SEVERITIES = Arrays.stream(EventSeverity.values())
            .collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    private HeaderPrefilter() {
    }

    /** False when the headers show that no event of this record can pass {@code filter}. */
    public static boolean mayMatch(SubscriptionFilter filter, Headers headers) {
        if (!filter.eventTypes().isEmpty()) {
            EventType type = TYPES.get(text(headers.lastHeader(EventHeaders.EVENT_TYPE)));
            if (type != null && !filter.eventTypes().contains(type)) {
                return false;
            }
        }
        EventSeverity minimum = filter.effectiveSeverityMin();
        if (minimum != EventSeverity.INFO) {
            EventSeverity severity = SEVERITIES.get(text(headers.lastHeader(EventHeaders.SEVERITY)));
            return severity == null || severity.atLeast(minimum);
        }
        return true;
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.US_ASCII);
    }
}
