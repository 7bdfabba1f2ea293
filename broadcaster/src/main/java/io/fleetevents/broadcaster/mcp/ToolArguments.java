package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.replay.InvalidReplayException;
import io.fleetevents.broadcaster.replay.ReplayStart;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SubscriptionFilter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Reads tool arguments; every problem is a {@link ToolArgumentException} naming the argument. */
final class ToolArguments {

    private final Map<String, Object> args;

    ToolArguments(Map<String, Object> args) {
        this.args = args == null ? Map.of() : args;
    }

    Object raw(String name) {
        return args.get(name);
    }

    /** The seed's subscription document; absent = everything the token may see. */
    SubscriptionFilter filter(String name) {
        Object value = args.get(name);
        if (value == null) {
            return SubscriptionFilter.ALL;
        }
        String json;
        if (value instanceof String text) {
            json = text.isBlank() ? "{}" : text;
        } else if (value instanceof Map<?, ?>) {
            json = FleetJson.mapper().writeValueAsString(value);
        } else {
            throw new ToolArgumentException(name, "must be an object such as {\"event_types\": [\"AGENT_FAILURE\"], "
                    + "\"agent_ids\": [\"alice/*\"], \"severity_min\": \"WARNING\"}");
        }
        try {
            return SubscriptionFilter.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new ToolArgumentException(name, e.getMessage());
        } catch (RuntimeException e) {
            throw new ToolArgumentException(name, "is not a valid filter document: " + e.getMessage());
        }
    }

    /** A resume token, or absent (null). */
    ReplayStart cursor(String name) {
        String text = string(name);
        if (text == null || text.isBlank()) {
            return ReplayStart.LIVE;
        }
        try {
            return ReplayStart.parse(text, null);
        } catch (InvalidReplayException e) {
            throw new ToolArgumentException(name, e.getMessage() + " (pass the cursor of your previous call, unchanged)");
        }
    }

    /** A cursor, an RFC 3339 time or {@code earliest}. */
    ReplayStart from(String name) {
        String text = string(name);
        if (text == null || text.isBlank()) {
            throw new ToolArgumentException(name, "is required: a cursor from a previous call, an RFC 3339 time such as "
                    + "2026-03-02T09:00:00Z, or \"earliest\"");
        }
        String t = text.trim();
        try {
            if (t.equalsIgnoreCase("earliest")) {
                return ReplayStart.parse(null, t);
            }
            if (looksLikeTime(t)) {
                Instant.parse(t);
                return ReplayStart.parse(null, t);
            }
            return ReplayStart.parse(t, null);
        } catch (InvalidReplayException | DateTimeParseException e) {
            throw new ToolArgumentException(name, e.getMessage());
        }
    }

    private static boolean looksLikeTime(String t) {
        return t.length() >= 20 && Character.isDigit(t.charAt(0)) && t.charAt(4) == '-' && t.indexOf('T') == 10;
    }

    int integer(String name, int defaultValue, int min, int max) {
        Object value = args.get(name);
        if (value == null) {
            return defaultValue;
        }
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String s) {
            try {
                number = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new ToolArgumentException(name, "'" + s + "' is not a number");
            }
        } else {
            throw new ToolArgumentException(name, "must be a number");
        }
        if (number != Math.rint(number) || number < min || number > max) {
            throw new ToolArgumentException(name, "must be a whole number between " + min + " and " + max + ", was " + value);
        }
        return (int) number;
    }

    String string(String name) {
        Object value = args.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new ToolArgumentException(name, "must be a string");
        }
        return text;
    }

    /** A list of strings, or one string (as a list of one); absent = empty. */
    static List<String> strings(Map<?, ?> object, String name, String argument) {
        Object value = object.get(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof Collection<?> items) {
            List<String> out = new ArrayList<>();
            for (Object item : items) {
                if (!(item instanceof String text)) {
                    throw new ToolArgumentException(argument + "." + name, "must be a list of strings");
                }
                out.add(text);
            }
            return out;
        }
        throw new ToolArgumentException(argument + "." + name, "must be a string or a list of strings");
    }

    Map<?, ?> object(String name) {
        Object value = args.get(name);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                return FleetJson.mapper().readValue(text, Map.class);
            } catch (RuntimeException e) {
                throw new ToolArgumentException(name, "must be a JSON object");
            }
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ToolArgumentException(name, "must be an object");
        }
        return map;
    }
}
