package io.fleetevents.schemas;

/**
 * Header names on {@code fleet.events} records: CloudEvents 1.0 Kafka protocol binding, binary mode, plus two
 * routing headers, so consumers can route without parsing the value. All values are UTF-8 strings.
 */
public final class EventHeaders {

    /** {@code ce_id}: the event's {@code event_id}. */
    public static final String CE_ID = "ce_id";
    /** {@code ce_type}: {@value #CE_TYPE_PREFIX} + the lower-case event type, e.g. {@code io.fleetevents.agent_failure}. */
    public static final String CE_TYPE = "ce_type";
    /** {@code ce_source}: {@code /coder/<deployment>}. */
    public static final String CE_SOURCE = "ce_source";
    /** {@code ce_time}: the event's {@code timestamp}, RFC 3339. */
    public static final String CE_TIME = "ce_time";
    /** {@code ce_specversion}: always {@value #SPEC_VERSION}. */
    public static final String CE_SPECVERSION = "ce_specversion";
    /** {@code ce_subject}: the agent key or capacity scope the event is about. */
    public static final String CE_SUBJECT = "ce_subject";
    /** {@code content-type}: always {@value #CONTENT_TYPE_JSON}. */
    public static final String CONTENT_TYPE = "content-type";
    /** {@code event_type}: the {@link EventType} name. */
    public static final String EVENT_TYPE = "event_type";
    /** {@code severity}: the {@link EventSeverity} name. */
    public static final String SEVERITY = "severity";

    /** The CloudEvents spec version written. */
    public static final String SPEC_VERSION = "1.0";
    /** The value's media type. */
    public static final String CONTENT_TYPE_JSON = "application/json";
    /** Prefix of {@code ce_type} values. */
    public static final String CE_TYPE_PREFIX = "io.fleetevents.";

    private EventHeaders() {
    }

    /** The {@code ce_type} value of an event type. */
    public static String ceType(EventType type) {
        return CE_TYPE_PREFIX + type.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The {@code ce_source} value of a deployment. */
    public static String ceSource(String deployment) {
        return "/coder/" + deployment;
    }
}
