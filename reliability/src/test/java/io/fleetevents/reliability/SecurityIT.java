package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.LongPollCollector;
import io.fleetevents.reliability.collect.RawStompSession;
import io.fleetevents.reliability.collect.Received;
import io.fleetevents.reliability.collect.SseCollector;
import io.fleetevents.reliability.collect.StompCollector;
import io.fleetevents.reliability.collect.StompFrame;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No token, a wrong token, and a token scoped to one owner trying to see another owner's agents — live and through
 * replay, on STOMP, SSE and long-poll: refused or filtered, and every refusal counted by the broadcaster.
 */
class SecurityIT extends SuiteScenario {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration DELIVERY = Duration.ofSeconds(90);

    @Test
    @Timeout(150)
    void shouldRefuseMissingAndWrongTokensAndKeepAnOwnerScopedTokenToItsOwnAgentsOnEveryTransport() throws Exception {
        ScriptedFleet alice = fleet(Stack.SCOPED_OWNER);
        ScriptedFleet bob = fleet("sec-bob");
        List<String> aliceAgents = alice.create(3);
        List<String> bobAgents = bob.create(3);
        double authFailures = Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_auth_failures_total");
        double scopeRefusals = Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_scope_refusals_total");

        // refused: no token, wrong token, on each transport
        URI ws = URI.create("ws://127.0.0.1:" + stack.broadcasterPort() + "/api/events/subscribe");
        List<String> stompRefusals = new ArrayList<>();
        for (String token : new String[] {null, "not-a-token"}) {
            try (RawStompSession session = RawStompSession.open(ws)) {
                Map<String, String> connect = new LinkedHashMap<>();
                connect.put("accept-version", "1.2");
                connect.put("host", "localhost");
                if (token != null) {
                    connect.put("passcode", token);
                }
                session.send(StompFrame.of("CONNECT", connect).encode());
                await().atMost(Duration.ofSeconds(10)).until(() -> session.first("ERROR") != null);
                assertThat(session.first("CONNECTED")).isNull();
                stompRefusals.add(session.first("ERROR").header("message"));
            }
        }
        String base = "http://127.0.0.1:" + stack.broadcasterPort();
        for (String path : new String[] {"/api/events/stream?replay_from=earliest", "/api/events?replay_from=earliest"}) {
            assertThat(get(base + path, null).statusCode()).as(path + " without a token").isEqualTo(401);
            assertThat(get(base + path, "not-a-token").statusCode()).as(path + " with a wrong token").isEqualTo(401);
        }

        // the owner-scoped token asks for everything and for bob's agents by name, live and from the start
        Map<String, String> everything = Map.of("agent-ids", "*", "event-types", Subscribers.AGENT_TYPES,
                "replay-from", "earliest");
        Map<String, String> bobsOnly = Map.of("agent-ids", bob.agentPattern(), "replay-from", "earliest");
        Map<String, String> httpEverything = Map.of("agent_ids", "*", "event_types", Subscribers.AGENT_TYPES,
                "replay_from", "earliest");
        List<Collector> scoped = List.of(
                new StompCollector(ws, Stack.OWNER_TOKEN, everything),
                new StompCollector(ws, Stack.OWNER_TOKEN, bobsOnly),
                new SseCollector(base, Stack.OWNER_TOKEN, httpEverything),
                new LongPollCollector(base, Stack.OWNER_TOKEN, httpEverything));
        try (Subscribers admin = Subscribers.open(bob, stack.broadcasterPort(), 1, false, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            aliceAgents.forEach(a -> alice.lifeStep(a, 1));
            bobAgents.forEach(a -> bob.lifeStep(a, 1));
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            Barriers.allDelivered(alice, List.of(scoped.get(0), scoped.get(2), scoped.get(3)), DELIVERY);
            Barriers.allDelivered(bob, admin.all(), DELIVERY);
            // replay again with a token an unscoped subscriber got: still only alice's agents
            String adminToken = lastResumeToken(admin.stomp.get(0));
            try (StompCollector resumed = new StompCollector(ws, Stack.OWNER_TOKEN,
                    Map.of("agent-ids", "*", "resume-token", adminToken))) {
                Barriers.watch(Duration.ofSeconds(3));
                assertThat(resumed.received()).allMatch(r -> r.path().startsWith(Stack.SCOPED_OWNER + "/"));
            }
            Barriers.watch(Duration.ofSeconds(2));

            for (Collector c : scoped) {
                List<Received> got = c.received();
                assertThat(got).as(c.transport() + " sees only its owner").allMatch(
                        r -> r.path().startsWith(Stack.SCOPED_OWNER + "/"));
                assertThat(Tally.of(bob, got).delivered()).as(c.transport() + " sees none of bob's").isZero();
            }
            // the row: alice's events on the three unfiltered subscriptions; every foreign event counts as false
            Tally own = Tally.sum(List.of(Tally.of(alice, scoped.get(0).received()),
                    Tally.of(alice, scoped.get(2).received()), Tally.of(alice, scoped.get(3).received())));
            int foreign = scoped.stream().mapToInt(c -> c.received().size() - Tally.filter(alice, c.received()).size())
                    .sum();
            suite.table().add("security: owner-scoped token asks for all + another owner, live and replayed",
                    "stomp ×2, sse, long-poll", new Tally(own.expected(), own.delivered(), own.missing(),
                            own.duplicated(), own.falseEvents() + foreign), null,
                    "false = events of other owners delivered; no token / wrong token refused on STOMP, SSE and "
                            + "long-poll (6 attempts, all counted in fleet_broadcaster_auth_failures_total)");
        } finally {
            scoped.forEach(Collector::close);
        }

        assertThat(stompRefusals).allSatisfy(m -> assertThat(m).isNotBlank());
        await("refusals counted").atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_auth_failures_total"))
                    .isGreaterThanOrEqualTo(authFailures + 6);
            assertThat(Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_scope_refusals_total"))
                    .isGreaterThan(scopeRefusals);
        });
    }

    private static String lastResumeToken(StompCollector collector) {
        String token = collector.lastResumeToken();
        assertThat(token).isNotNull();
        return token;
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
