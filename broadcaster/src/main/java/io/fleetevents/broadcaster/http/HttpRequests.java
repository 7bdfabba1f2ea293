package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.InvalidFilterException;
import io.fleetevents.schemas.SubscriptionFilter;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parsing shared by the HTTP transports. */
final class HttpRequests {

    private HttpRequests() {
    }

    /** Bearer header, else the {@code access_token} query parameter (browsers' EventSource cannot set headers). */
    static Caller authenticate(TokenAuthenticator authenticator, String authorization, String accessToken) {
        if ((authorization == null || authorization.isBlank()) && accessToken != null && !accessToken.isBlank()) {
            return authenticator.authenticate(null, accessToken);
        }
        return authenticator.authenticate(authorization, null);
    }

    static SubscriptionFilter filter(String filterJson, String eventTypes, String agentIds, String severityMin) {
        if (filterJson != null && !filterJson.isBlank()) {
            if (eventTypes != null || agentIds != null || severityMin != null) {
                throw new InvalidFilterException("send either filter or event_types/agent_ids/severity_min, not both");
            }
            return SubscriptionFilter.fromJson(filterJson);
        }
        return SubscriptionFilter.fromParameters(eventTypes, agentIds, severityMin);
    }

    /** {@code 30s}, {@code 500ms}, {@code 2m}, a plain number of seconds, or an ISO-8601 duration. */
    static Duration duration(String name, String text, Duration max) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        Duration value;
        try {
            if (t.endsWith("ms")) {
                value = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                value = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                value = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.startsWith("p")) {
                value = Duration.parse(text.trim());
            } else {
                value = Duration.ofSeconds(Long.parseLong(t));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + " '" + text + "' is not a duration: use e.g. 30s, 500ms or 2m");
        }
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between 0 and " + max.toSeconds() + "s");
        }
        return value;
    }
}
