package io.fleetevents.schemas;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How urgently a superagent should react to an event. Ordered: {@code INFO < WARNING < CRITICAL},
 * so {@link #compareTo} and {@link #atLeast} express "minimum severity" filters.
 */
public enum EventSeverity {
    /** Something normal happened (an agent connected, a task completed). */
    INFO,
    /** Something needs attention soon (a task failed, utilisation is high). */
    WARNING,
    /** Something is broken now (an agent died, a build failed, the fleet is full). */
    CRITICAL;

    /** Whether this severity is equal to or more severe than {@code minimum}. */
    public boolean atLeast(EventSeverity minimum) {
        return compareTo(minimum) >= 0;
    }

    /**
     * Parses a severity name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is not one of them
     */
    public static EventSeverity parse(String text) {
        if (text != null) {
            String wanted = text.trim().toUpperCase(Locale.ROOT);
            for (EventSeverity severity : values()) {
                if (severity.name().equals(wanted)) {
                    return severity;
                }
            }
        }
        throw new IllegalArgumentException("unknown severity '" + text + "': use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
