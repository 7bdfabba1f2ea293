package io.fleetevents.processor.capacity;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the capacity policy remembers per deployment between complete cycles.
 *
 * @param lastCompletedPoll  the last poll cycle combined; partials of it or older are late and dropped
 * @param scopes             per scope seen in that cycle: its alert levels
 */
public record AlertState(long lastCompletedPoll, Map<String, ScopeAlert> scopes) {

    public AlertState {
        scopes = new TreeMap<>(scopes);
    }

    public static AlertState initial() {
        return new AlertState(-1, Map.of());
    }

    /**
     * Alert levels of one scope.
     *
     * @param level            0 none, 1 WARNING, 2 CRITICAL
     * @param aboveCycles      consecutive cycles above the current level (debounce)
     * @param backlog          whether a provisioner-backlog warning is active
     * @param lastUtilisation  utilisation of the last cycle
     */
    public record ScopeAlert(int level, int aboveCycles, boolean backlog, double lastUtilisation) {

        public static final ScopeAlert NONE = new ScopeAlert(0, 0, false, 0.0);
    }
}
