package io.fleetevents.processor.capacity;

import io.fleetevents.processor.capacity.AlertState.ScopeAlert;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.CapacitySample;
import io.fleetevents.schemas.EventIds;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CAPACITY_WARNING policy, applied once per complete cycle to every scope's totals.
 *
 * <p>Utilisation: a scope whose level rises (none to WARNING at {@code warning-threshold}, to CRITICAL at
 * {@code critical-threshold}) for {@code debounce-cycles} consecutive cycles raises one event of that severity. It
 * resolves (one INFO event, {@code metadata.resolved = true}) only when utilisation falls below
 * {@code warning-threshold - hysteresis}; a CRITICAL scope falling below {@code critical-threshold - hysteresis}
 * quietly steps down to WARNING, so that crossing CRITICAL again is reported again. Provisioner backlog is a
 * separate WARNING with its own resolution. Events about a scope are keyed {@code fleet/<scope>}; their ids are
 * deterministic in (deployment, scope, kind, level, poll id).
 */
public final class CapacityAlerts {

    private CapacityAlerts() {
    }

    public static CycleOutcome evaluate(CapacityPolicy policy, AlertState previous, List<ScopeTotals> totals,
                                        String deployment, long pollId, Instant observedAt) {
        AlertState before = previous == null ? AlertState.initial() : previous;
        Map<String, ScopeAlert> next = new TreeMap<>();
        List<CapacitySample> samples = new ArrayList<>(totals.size());
        List<EventNotification> events = new ArrayList<>();
        Map<String, ScopeTotals> byScope = new TreeMap<>();
        for (ScopeTotals t : totals) {
            byScope.put(t.scope(), t);
        }
        // A scope that emptied since the last cycle gets a zero sample (the compacted topic must not keep a stale
        // figure) and its alerts resolve; then it is forgotten.
        for (String gone : before.scopes().keySet()) {
            if (!byScope.containsKey(gone)) {
                byScope.put(gone, new ScopeTotals(gone, 0, ScopeCounts.ZERO, 0, 0));
            }
        }
        for (ScopeTotals t : byScope.values()) {
            samples.add(t.toSample(deployment, pollId, observedAt));
            ScopeAlert alert = before.scopes().getOrDefault(t.scope(), ScopeAlert.NONE);
            ScopeAlert updated = utilisation(policy, alert, t, deployment, pollId, observedAt, events);
            updated = backlog(policy, updated, t, deployment, pollId, observedAt, events);
            boolean empty = t.workspaces() == 0 && t.counts().agents() == 0;
            if (!empty || t.scope().equals("fleet")) {
                next.put(t.scope(), updated);
            }
        }
        return new CycleOutcome(samples, events, new AlertState(pollId, next));
    }

    private static ScopeAlert utilisation(CapacityPolicy policy, ScopeAlert alert, ScopeTotals t, String deployment,
                                          long pollId, Instant observedAt, List<EventNotification> events) {
        double u = t.utilisation();
        int target = u >= policy.criticalThreshold() ? 2 : u >= policy.warningThreshold() ? 1 : 0;
        int level = alert.level();
        int above = 0;
        if (target > level) {
            above = alert.aboveCycles() + 1;
            if (above >= policy.debounceCycles()) {
                EventSeverity severity = target == 2 ? EventSeverity.CRITICAL : EventSeverity.WARNING;
                double threshold = target == 2 ? policy.criticalThreshold() : policy.warningThreshold();
                String message = String.format(java.util.Locale.ROOT,
                        "Capacity %s: %s utilisation %.0f%% (%d of %d connected agents working)",
                        target == 2 ? "critical" : "warning", t.scope(), u * 100, t.counts().working(),
                        t.counts().connected());
                events.add(event(deployment, t, pollId, observedAt, severity, message, "utilisation",
                        severity.name(), false, threshold, alert, u, level, target));
                level = target;
                above = 0;
            }
        } else if (level > 0 && u < policy.warningThreshold() - policy.hysteresis()) {
            String message = String.format(java.util.Locale.ROOT,
                    "Capacity recovered: %s utilisation %.0f%% (%d of %d connected agents working)", t.scope(),
                    u * 100, t.counts().working(), t.counts().connected());
            events.add(event(deployment, t, pollId, observedAt, EventSeverity.INFO, message, "utilisation",
                    "resolved", true, policy.warningThreshold(), alert, u, level, 0));
            level = 0;
        } else if (level == 2 && u < policy.criticalThreshold() - policy.hysteresis()) {
            level = 1;
        }
        return new ScopeAlert(level, above, alert.backlog(), u);
    }

    private static ScopeAlert backlog(CapacityPolicy policy, ScopeAlert alert, ScopeTotals t, String deployment,
                                      long pollId, Instant observedAt, List<EventNotification> events) {
        boolean active = alert.backlog();
        if (!active && (t.starvedBuilds() > 0 || t.pendingBuilds() >= policy.backlogThreshold())) {
            String message = t.starvedBuilds() > 0
                    ? "No provisioner available for " + t.starvedBuilds() + " pending build(s) in " + t.scope()
                    : "Provisioner backlog: " + t.pendingBuilds() + " builds pending in " + t.scope();
            events.add(backlogEvent(deployment, t, pollId, observedAt, EventSeverity.WARNING, message, false,
                    policy.backlogThreshold()));
            active = true;
        } else if (active && t.starvedBuilds() == 0 && t.pendingBuilds() <= policy.backlogThreshold() / 2) {
            events.add(backlogEvent(deployment, t, pollId, observedAt, EventSeverity.INFO,
                    "Provisioner backlog cleared in " + t.scope() + ": " + t.pendingBuilds() + " builds pending", true,
                    policy.backlogThreshold()));
            active = false;
        }
        return new ScopeAlert(alert.level(), alert.aboveCycles(), active, alert.lastUtilisation());
    }

    private static EventNotification event(String deployment, ScopeTotals t, long pollId, Instant observedAt,
                                           EventSeverity severity, String message, String kind, String level,
                                           boolean resolved, double threshold, ScopeAlert alert, double u,
                                           int levelBefore, int levelAfter) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kind", kind);
        metadata.put("scope", t.scope());
        metadata.put("utilisation", u);
        metadata.put("threshold", threshold);
        metadata.put("agents", t.counts().agents());
        metadata.put("connected_agents", t.counts().connected());
        metadata.put("working_agents", t.counts().working());
        metadata.put("poll_id", pollId);
        metadata.put("resolved", resolved);
        String subject = subjectOf(t.scope());
        String id = EventIds.of(deployment, EventType.CAPACITY_WARNING, subject, kind, level, Long.toString(pollId));
        return new EventNotification(id, EventType.CAPACITY_WARNING, severity, observedAt, null, null, message,
                metadata, refOf(t.scope()),
                Map.of("utilisation", alert.lastUtilisation(), "level", levelName(levelBefore)),
                Map.of("utilisation", u, "level", levelName(levelAfter)), observedAt,
                EventNotification.CURRENT_SCHEMA_VERSION);
    }

    private static EventNotification backlogEvent(String deployment, ScopeTotals t, long pollId, Instant observedAt,
                                                  EventSeverity severity, String message, boolean resolved,
                                                  int threshold) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("kind", "provisioner_backlog");
        metadata.put("scope", t.scope());
        metadata.put("pending_builds", t.pendingBuilds());
        metadata.put("builds_without_provisioner", t.starvedBuilds());
        metadata.put("threshold", threshold);
        metadata.put("poll_id", pollId);
        metadata.put("resolved", resolved);
        String subject = subjectOf(t.scope());
        String id = EventIds.of(deployment, EventType.CAPACITY_WARNING, subject, "provisioner_backlog",
                resolved ? "resolved" : "active", Long.toString(pollId));
        return new EventNotification(id, EventType.CAPACITY_WARNING, severity, observedAt, null, null, message,
                metadata, refOf(t.scope()), null, Map.of("pending_builds", t.pendingBuilds()), observedAt,
                EventNotification.CURRENT_SCHEMA_VERSION);
    }

    /** The {@code fleet.events} key of a scope's events: {@code fleet/<scope>}. */
    public static String subjectOf(String scope) {
        return "fleet/" + scope;
    }

    /** Capacity events name no agent; the ref carries the scope's key and its organization or template. */
    private static AgentRef refOf(String scope) {
        String org = scope.startsWith("org/") ? scope.substring(4) : null;
        String template = scope.startsWith("template/") ? scope.substring(9) : null;
        return new AgentRef(subjectOf(scope), null, null, null, org, template);
    }

    private static String levelName(int level) {
        return level == 2 ? "CRITICAL" : level == 1 ? "WARNING" : "NONE";
    }
}
