package io.fleetevents.broadcaster.auth;

import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.EventRoute;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a token may see. An event is visible when its agent's owner is one of {@code owners}, or its organization one
 * of {@code organizations}, or one of {@code agentPatterns} matches the agent's UUID, key or path. Events about no
 * agent (capacity) are visible to whole-fleet tokens ({@code *}) and, for {@code metadata.scope = org/<name>}, to
 * tokens of that organization. Nothing else is visible: an empty scope sees nothing.
 *
 * <p>Immutable. {@link #permits} runs for every delivery, so whether the scope is the whole fleet is decided once,
 * here, not per event.
 */
public final class TokenScope {

    private final Set<String> owners;
    private final Set<String> organizations;
    private final List<AgentPattern> agentPatterns;
    private final boolean wholeFleet;

    /**
     * @param owners        owner usernames
     * @param organizations organization names
     * @param agentPatterns agent patterns
     */
    public TokenScope(Set<String> owners, Set<String> organizations, List<AgentPattern> agentPatterns) {
        this.owners = Set.copyOf(owners);
        this.organizations = Set.copyOf(organizations);
        this.agentPatterns = List.copyOf(agentPatterns);
        this.wholeFleet = this.agentPatterns.stream().anyMatch(AgentPattern::matchesEverything);
    }

    public Set<String> owners() {
        return owners;
    }

    public Set<String> organizations() {
        return organizations;
    }

    public List<AgentPattern> agentPatterns() {
        return agentPatterns;
    }

    /** A scope that sees the whole fleet. */
    public static TokenScope wholeFleet() {
        return new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*")));
    }

    /** Whether the scope sees everything (any pattern is all stars). */
    public boolean isWholeFleet() {
        return wholeFleet;
    }

    /** Whether a holder of this scope may see {@code event}. */
    public boolean permits(EventRoute event) {
        if (wholeFleet) {
            return true;
        }
        if (event.hasAgent()) {
            if (event.owner() != null && owners.contains(event.owner())) {
                return true;
            }
            if (event.organization() != null && organizations.contains(event.organization())) {
                return true;
            }
        } else if (event.agentId() == null) {
            String scope = event.capacityScope();
            return scope != null && scope.startsWith("org/") && organizations.contains(scope.substring("org/".length()));
        }
        for (AgentPattern pattern : agentPatterns) {
            if (pattern.matches(event)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenScope that && owners.equals(that.owners) && organizations.equals(that.organizations)
                && agentPatterns.equals(that.agentPatterns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owners, organizations, agentPatterns);
    }

    @Override
    public String toString() {
        return "TokenScope[owners=" + owners + ", organizations=" + organizations + ", agentPatterns=" + agentPatterns + "]";
    }
}
