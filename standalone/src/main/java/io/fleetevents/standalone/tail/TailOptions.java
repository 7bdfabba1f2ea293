package io.fleetevents.standalone.tail;

import io.fleetevents.schemas.InvalidResumeTokenException;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.SubscriptionFilter;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Command-line options of {@code tail}. Every option also has an environment variable, so a token never has to
 * appear in the process list.
 *
 * @param url    STOMP WebSocket URL
 * @param token  API token
 * @param filter what to print
 * @param resume resume token to continue after, or null
 * @param from   {@code earliest}, an RFC 3339 time, or null for live only
 * @param json   print JSON lines instead of one human line per event
 */
public record TailOptions(URI url, String token, SubscriptionFilter filter, String resume, String from, boolean json) {

    static final String USAGE = """
            usage: tail [--url ws://localhost:8080/api/events/subscribe] [--token TOKEN]
                        [--types AGENT_FAILURE,TASK_COMPLETION] [--agents 'alice/*,*.main'] [--severity WARNING]
                        [--resume RESUME_TOKEN | --from earliest|2025-10-27T14:00:00Z] [--json]
              --token defaults to $FLEET_EVENTS_TOKEN, --url to $FLEET_EVENTS_URL""";

    /**
     * Parses arguments.
     *
     * @throws IllegalArgumentException with a message saying what to fix
     */
    public static TailOptions parse(String[] args, Map<String, String> env) {
        String url = env.getOrDefault("FLEET_EVENTS_URL", "ws://localhost:8080/api/events/subscribe");
        String token = env.get("FLEET_EVENTS_TOKEN");
        String types = null;
        String agents = null;
        String severity = null;
        String resume = null;
        String from = null;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--json" -> json = true;
                case "--url" -> url = value(args, ++i, arg);
                case "--token" -> token = value(args, ++i, arg);
                case "--types" -> types = value(args, ++i, arg);
                case "--agents" -> agents = value(args, ++i, arg);
                case "--severity" -> severity = value(args, ++i, arg);
                case "--resume" -> resume = value(args, ++i, arg);
                case "--from" -> from = value(args, ++i, arg);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token: pass --token or set FLEET_EVENTS_TOKEN\n" + USAGE);
        }
        if (resume != null && from != null) {
            throw new IllegalArgumentException("use either --resume or --from, not both");
        }
        if (resume != null) {
            try {
                ResumeToken.decode(resume);
            } catch (InvalidResumeTokenException e) {
                throw new IllegalArgumentException("--resume: " + e.getMessage(), e);
            }
        }
        if (from != null && !from.equals("earliest")) {
            try {
                Instant.parse(from);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--from must be 'earliest' or an RFC 3339 time like 2025-10-27T14:00:00Z, was '" + from + "'");
            }
        }
        URI uri = URI.create(url);
        if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--url must be a ws:// or wss:// URL, was '" + url + "'");
        }
        return new TailOptions(uri, token, SubscriptionFilter.fromParameters(types, agents, severity), resume, from, json);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[index];
    }

    @Override
    public String toString() {
        return "TailOptions[url=" + url + ", filter=" + filter + ", resume=" + resume + ", from=" + from + ", json=" + json + "]";
    }
}
