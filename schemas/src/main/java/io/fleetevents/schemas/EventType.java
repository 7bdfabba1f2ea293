package io.fleetevents.schemas;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The closed set of event types on {@code fleet.events}. The JSON form is the constant's name. */
public enum EventType {
    /** An agent died or could not start: unexpected disconnect, connect timeout, lifecycle error, failed build. */
    AGENT_FAILURE,
    /** A task reported completion through a fresh (non-stale) app status or the Tasks API. */
    TASK_COMPLETION,
    /** A task reported failure through a fresh app status, or the Tasks API reported an error. */
    TASK_FAILURE,
    /** A scope's utilisation crossed its threshold (or fell back: {@code metadata.resolved = true}), or builds queue up. */
    CAPACITY_WARNING,
    /** An agent became connected, including when first seen connected. */
    AGENT_CONNECTED,
    /** An agent went away expectedly: its workspace stopped, was deleted, or the agent vanished from a complete poll. */
    AGENT_DISCONNECTED;

    /**
     * Parses an event type name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is not one of them
     */
    public static EventType parse(String text) {
        if (text != null) {
            String wanted = text.trim().toUpperCase(Locale.ROOT);
            for (EventType type : values()) {
                if (type.name().equals(wanted)) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("unknown event type '" + text + "': use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
