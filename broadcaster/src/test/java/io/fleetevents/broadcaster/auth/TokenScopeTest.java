package io.fleetevents.broadcaster.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.testing.Events;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenScopeTest {

    private static final EventRoute ALICE = EventRoute.of(Events.of(EventType.AGENT_FAILURE, "alice/ws1.main").organization("acme").build());
    private static final EventRoute BOB = EventRoute.of(Events.of(EventType.AGENT_FAILURE, "bob/ws2.main").organization("other").build());

    @Test
    void shouldSeeEverythingOnlyWhenAPatternIsAllStars() {
        assertThat(TokenScope.wholeFleet().isWholeFleet()).isTrue();
        assertThat(new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("alice/*"), new AgentPattern("**"))).isWholeFleet()).isTrue();
        assertThat(new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*ws1*"))).isWholeFleet()).isFalse();
        assertThat(new TokenScope(Set.of("alice"), Set.of("acme"), List.of()).isWholeFleet()).isFalse();

        assertThat(TokenScope.wholeFleet().permits(ALICE)).isTrue();
        assertThat(TokenScope.wholeFleet().permits(BOB)).isTrue();
    }

    @Test
    void shouldPermitByOwnerOrganizationOrPatternAndNothingElse() {
        assertThat(new TokenScope(Set.of("alice"), Set.of(), List.of()).permits(ALICE)).isTrue();
        assertThat(new TokenScope(Set.of("alice"), Set.of(), List.of()).permits(BOB)).isFalse();
        assertThat(new TokenScope(Set.of(), Set.of("acme"), List.of()).permits(ALICE)).isTrue();
        assertThat(new TokenScope(Set.of(), Set.of("acme"), List.of()).permits(BOB)).isFalse();
        assertThat(new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*ws1*"))).permits(ALICE)).isTrue();
        assertThat(new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*ws1*"))).permits(BOB)).isFalse();
        assertThat(new TokenScope(Set.of(), Set.of(), List.of()).permits(ALICE)).isFalse();
    }

    @Test
    void shouldPermitEventsAboutNoAgentOnlyToTheWholeFleetOrTheirOrganization() {
        EventRoute acme = new EventRoute("c1", EventType.CAPACITY_WARNING, EventSeverity.WARNING, null, null, null,
                null, null, "org/acme");
        EventRoute fleet = new EventRoute("c2", EventType.CAPACITY_WARNING, EventSeverity.WARNING, null, null, null,
                null, null, "fleet");

        assertThat(new TokenScope(Set.of(), Set.of("acme"), List.of()).permits(acme)).isTrue();
        assertThat(new TokenScope(Set.of(), Set.of("other"), List.of()).permits(acme)).isFalse();
        assertThat(new TokenScope(Set.of("acme"), Set.of(), List.of(new AgentPattern("acme*"))).permits(acme)).isFalse();
        assertThat(new TokenScope(Set.of(), Set.of("acme"), List.of()).permits(fleet)).isFalse();
        assertThat(TokenScope.wholeFleet().permits(fleet)).isTrue();
    }

    @Test
    void shouldCompareByContentAndKeepItsOwnCopies() {
        Set<String> owners = new java.util.HashSet<>(Set.of("alice"));
        TokenScope scope = new TokenScope(owners, Set.of(), List.of(new AgentPattern("*")));
        owners.add("bob");

        assertThat(scope.owners()).containsExactly("alice");
        assertThat(scope).isEqualTo(new TokenScope(Set.of("alice"), Set.of(), List.of(new AgentPattern("*"))))
                .hasSameHashCodeAs(new TokenScope(Set.of("alice"), Set.of(), List.of(new AgentPattern("*"))))
                .isNotEqualTo(new TokenScope(Set.of("bob"), Set.of(), List.of(new AgentPattern("*"))));
    }
}
