package io.fleetevents.codersim.fleet;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of Coder's workspace search query ({@code q}) the simulator understands: {@code owner:}, {@code name:}
 * (partial), {@code template:}, {@code status:}, {@code has-agent:}, and a bare term ({@code name} or
 * {@code owner/name}). Any other key is rejected, as Coder rejects a bad query with 400.
 */
public record WorkspaceQuery(Map<String, String> terms) {

    /** Every workspace. */
    public static final WorkspaceQuery ALL = new WorkspaceQuery(Map.of());

    /**
     * Parses {@code q}.
     *
     * @throws IllegalArgumentException naming the bad term
     */
    public static WorkspaceQuery parse(String q) {
        if (q == null || q.isBlank()) {
            return ALL;
        }
        Map<String, String> terms = new LinkedHashMap<>();
        for (String term : q.trim().toLowerCase(Locale.ROOT).split("\\s+")) {
            int colon = term.indexOf(':');
            if (colon < 0) {
                terms.put("bare", term);
                continue;
            }
            String key = term.substring(0, colon);
            if (!key.equals("owner") && !key.equals("name") && !key.equals("template") && !key.equals("status")
                    && !key.equals("has-agent")) {
                throw new IllegalArgumentException("q: unsupported search key '" + key + "'");
            }
            terms.put(key, term.substring(colon + 1));
        }
        return new WorkspaceQuery(Map.copyOf(terms));
    }

    boolean matches(SimWorkspace ws, java.time.Instant now) {
        for (Map.Entry<String, String> term : terms.entrySet()) {
            String v = term.getValue();
            boolean ok = switch (term.getKey()) {
                case "owner" -> ws.ownerName.equalsIgnoreCase(v) || "me".equals(v);
                case "name" -> ws.name.toLowerCase(Locale.ROOT).contains(v);
                case "template" -> ws.template.name().equalsIgnoreCase(v);
                case "status" -> ws.build.status().equals(v);
                case "has-agent" -> ws.agents.stream().anyMatch(a -> a.status(now).equals(v));
                default -> v.contains("/") ? ws.path().equalsIgnoreCase(v) : ws.name.toLowerCase(Locale.ROOT).contains(v);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
