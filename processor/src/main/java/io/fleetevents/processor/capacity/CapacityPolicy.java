package io.fleetevents.processor.capacity;

import java.util.List;
import java.util.Set;

/**
 * When capacity becomes an event. Bound from {@code fleet.processor.capacity.*}; every key has a default.
 *
 * @param warningThreshold   utilisation at or above which a scope is in WARNING (default 0.80)
 * @param criticalThreshold  utilisation at or above which a scope is CRITICAL (default 0.95)
 * @param hysteresis         a warning resolves only below {@code warningThreshold - hysteresis} (and CRITICAL
 *                           drops to WARNING only below {@code criticalThreshold - hysteresis}); default 0.05
 * @param debounceCycles     complete cycles a scope must stay above a threshold before the event (default 1)
 * @param scopes             scope kinds sampled: {@code fleet}, {@code org}, {@code template} (default all)
 * @param backlogThreshold   pending builds in a scope that make a provisioner-backlog warning (default 5); any
 *                           pending build with no available provisioner warns at once; resolved at
 *                           {@code backlogThreshold / 2} pending builds or fewer, none starved
 */
public record CapacityPolicy(Double warningThreshold, Double criticalThreshold, Double hysteresis,
                             Integer debounceCycles, List<String> scopes, Integer backlogThreshold) {

    /** Scope kinds known. */
    public static final Set<String> SCOPE_KINDS = Set.of("fleet", "org", "template");

    public CapacityPolicy {
        warningThreshold = warningThreshold == null ? 0.80 : warningThreshold;
        criticalThreshold = criticalThreshold == null ? 0.95 : criticalThreshold;
        hysteresis = hysteresis == null ? 0.05 : hysteresis;
        debounceCycles = debounceCycles == null ? 1 : debounceCycles;
        scopes = scopes == null ? List.of("fleet", "org", "template") : List.copyOf(scopes);
        backlogThreshold = backlogThreshold == null ? 5 : backlogThreshold;
        String prefix = "fleet.processor.capacity.";
        if (!(warningThreshold > 0 && warningThreshold <= 1)) {
            throw new IllegalArgumentException(prefix + "warning-threshold must be in (0, 1], was " + warningThreshold);
        }
        if (!(criticalThreshold >= warningThreshold && criticalThreshold <= 1)) {
            throw new IllegalArgumentException(prefix + "critical-threshold must be in [warning-threshold, 1], was "
                    + criticalThreshold);
        }
        if (!(hysteresis >= 0 && hysteresis < warningThreshold)) {
            throw new IllegalArgumentException(prefix + "hysteresis must be in [0, warning-threshold), was " + hysteresis);
        }
        if (debounceCycles < 1) {
            throw new IllegalArgumentException(prefix + "debounce-cycles must be >= 1, was " + debounceCycles);
        }
        for (String scope : scopes) {
            if (!SCOPE_KINDS.contains(scope)) {
                throw new IllegalArgumentException(prefix + "scopes may hold only fleet, org, template; was '" + scope + "'");
            }
        }
        if (backlogThreshold < 1) {
            throw new IllegalArgumentException(prefix + "backlog-threshold must be >= 1, was " + backlogThreshold);
        }
    }

    /** The defaults. */
    public static CapacityPolicy defaults() {
        return new CapacityPolicy(null, null, null, null, null, null);
    }

    /** Whether scope kind {@code kind} is sampled. */
    public boolean samples(String kind) {
        return scopes.contains(kind);
    }
}
