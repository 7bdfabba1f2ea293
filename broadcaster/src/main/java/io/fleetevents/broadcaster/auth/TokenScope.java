package io.fleetevents.broadcaster.auth;

import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.AgentRef;
import io.fleetevents.schemas.EventNotification;
import java.util.List;
import java.util.Set;

/**
 * What a token may see. An event is visible when its agent's owner is one of {@code owners}, or its organization one
 * of {@code organizations}, or one of {@code agentPatterns} matches the agent's UUID, key or path. Events about no
 * agent (capacity) are visible to whole-fleet tokens ({@code *}) and, for {@code metadata.scope = org/<name>}, to
 * tokens of that organization. Nothing else is visible: an empty scope sees nothing.
 *
 * @param owners        owner usernames
 * @param organizations organization names
 * @param agentPatterns agent patterns
 */
public record TokenScope(Set<String> owners, Set<String> organizations, List<AgentPattern> agentPatterns) {

    public TokenScope {
        owners = Set.copyOf(owners);
        organizations = Set.copyOf(organizations);
        agentPatterns = List.copyOf(agentPatterns);
    }

    /** A scope that sees the whole fleet. */
    public static TokenScope wholeFleet() {
        return new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*")));
    }

    /** Whether the scope sees everything (any pattern is all stars). */
    public boolean isWholeFleet() {
        for (AgentPattern pattern : agentPatterns) {
            if (pattern.matchesEverything()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a holder of this scope may see {@code event}. */
    public boolean permits(EventNotification event) {
        if (isWholeFleet()) {
            return true;
        }
        AgentRef agent = event.agent();
        if (agent != null) {
            if (agent.owner() != null && owners.contains(agent.owner())) {
                return true;
            }
            if (agent.organization() != null && organizations.contains(agent.organization())) {
                return true;
            }
        } else if (event.agentId() == null) {
            Object scope = event.metadata().get("scope");
            return scope instanceof String text && text.startsWith("org/")
                    && organizations.contains(text.substring("org/".length()));
        }
        for (AgentPattern pattern : agentPatterns) {
            if (pattern.matches(event)) {
                return true;
            }
        }
        return false;
    }
}
