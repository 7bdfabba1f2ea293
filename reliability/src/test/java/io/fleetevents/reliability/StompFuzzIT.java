package io.fleetevents.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.RawStompSession;
import io.fleetevents.reliability.collect.StompFrame;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile STOMP input against the running broadcaster — random bytes, giant headers, wrong commands, frames before
 * CONNECT, invalid filters, tokens and replay starts — while a well-behaved subscriber receives a scripted fleet's
 * events: each bad session gets an ERROR (or, for bytes that are not STOMP at all, is closed), the server stays
 * healthy, and the good subscriber gets every event exactly once.
 */
class StompFuzzIT extends SuiteScenario {

    private static final long SEED = Long.getLong("reliability.fuzz.seed", 20261125L);
    private static final int RANDOM_SESSIONS = 30;

    @Test
    @Timeout(180)
    void shouldAnswerEveryHostileFrameWithAnErrorAndLeaveOtherSubscribersUntouched() throws Exception {
        ScriptedFleet fleet = fleet("s-fuzz-bystander");
        List<String> agents = fleet.create(5);
        URI ws = URI.create("ws://127.0.0.1:" + stack.broadcasterPort() + "/api/events/subscribe");
        Random random = new Random(SEED);
        double protocolErrors = Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_protocol_errors_total");
        List<String> failures = new ArrayList<>();
        int sessions = 0;

        try (Subscribers bystanders = Subscribers.open(fleet, stack.broadcasterPort(), 3, false, stack.broadcaster())) {
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            agents.forEach(a -> fleet.lifeStep(a, 1));

            for (Map.Entry<String, List<String>> c : structuredCases().entrySet()) {
                sessions++;
                try (RawStompSession session = RawStompSession.open(ws)) {
                    c.getValue().forEach(session::send);
                    boolean answered = awaitQuietly(() -> session.first("ERROR") != null);
                    if (!answered) {
                        failures.add(c.getKey() + ": no ERROR frame (got " + commands(session) + ")");
                    } else if (session.first("ERROR").header("message") == null
                            || session.first("ERROR").header("message").isBlank()) {
                        failures.add(c.getKey() + ": ERROR without a message");
                    }
                }
            }
            for (int i = 0; i < RANDOM_SESSIONS; i++) {
                sessions++;
                try (RawStompSession session = RawStompSession.open(ws)) {
                    if (i % 2 == 0) {
                        byte[] bytes = new byte[1 + random.nextInt(4096)];
                        random.nextBytes(bytes);
                        session.sendBinary(bytes);
                    } else {
                        session.send(randomText(random));
                    }
                    // random bytes: an ERROR, or a close — never silence with the connection held open forever
                    session.send(connect(Stack.ADMIN_TOKEN));
                    boolean answered = awaitQuietly(() -> session.first("ERROR") != null || session.closed()
                            || session.first("CONNECTED") != null);
                    if (!answered) {
                        failures.add("random session " + i + " (seed " + SEED + "): no answer at all");
                    }
                }
            }
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            agents.forEach(a -> fleet.lifeStep(a, 2));
            Barriers.pollerObserved(stack.poller(), Duration.ofSeconds(30));
            Barriers.allDelivered(fleet, bystanders.all(), Duration.ofSeconds(90));
            Barriers.watch(Duration.ofSeconds(2));
            assertThat(stack.broadcaster().health().statusCode()).as("broadcaster alive").isEqualTo(200);

            bystanders.report(suite.table(), "fuzzed STOMP: " + sessions + " hostile sessions (seed " + SEED + ")",
                    fleet, suite.committed(), null, failures.isEmpty() ? "every hostile session answered with "
                            + "ERROR/close; bystanders exact" : failures.size() + " hostile sessions unanswered");
            for (Collector c : bystanders.all()) {
                assertThat(Tally.of(fleet, c.received())).as("bystander " + c.transport())
                        .isEqualTo(new Tally(fleet.expectedCount(), fleet.expectedCount(), 0, 0, 0));
            }
        }
        assertThat(failures).as("hostile sessions without an ERROR").isEmpty();
        assertThat(Prometheus.sum(stack.broadcaster(), "fleet_broadcaster_protocol_errors_total"))
                .isGreaterThan(protocolErrors);
    }

    private static Map<String, List<String>> structuredCases() {
        String sub = "SUBSCRIBE\nid:1\ndestination:/topic/events\n";
        Map<String, List<String>> cases = new LinkedHashMap<>();
        cases.put("SUBSCRIBE before CONNECT", List.of(sub + "\n\0"));
        cases.put("giant header (200 KB)", List.of("CONNECT\naccept-version:1.2\nx-giant:" + "a".repeat(200_000)
                + "\n\n\0"));
        cases.put("no token", List.of("CONNECT\naccept-version:1.2\nhost:x\n\n\0"));
        cases.put("wrong token", List.of(connect("definitely-wrong")));
        cases.put("SEND", List.of(connect(Stack.ADMIN_TOKEN), "SEND\ndestination:/topic/events\n\nhello\0"));
        cases.put("ACK", List.of(connect(Stack.ADMIN_TOKEN), "ACK\nid:1\n\n\0"));
        cases.put("BEGIN (transactions)", List.of(connect(Stack.ADMIN_TOKEN), "BEGIN\ntransaction:t1\n\n\0"));
        cases.put("unknown event type", List.of(connect(Stack.ADMIN_TOKEN), sub + "event-types:AGENT_EXPLODED\n\n\0"));
        cases.put("unknown severity", List.of(connect(Stack.ADMIN_TOKEN), sub + "severity-min:LOUD\n\n\0"));
        cases.put("filter not JSON", List.of(connect(Stack.ADMIN_TOKEN), sub + "filter:{not json\n\n\0"));
        cases.put("filter wrong JSON shape", List.of(connect(Stack.ADMIN_TOKEN),
                sub + "filter:{\"event_types\"\\c42}\n\n\0"));
        cases.put("malformed resume token", List.of(connect(Stack.ADMIN_TOKEN), sub + "resume-token:@@@###\n\n\0"));
        cases.put("bad replay time", List.of(connect(Stack.ADMIN_TOKEN), sub + "replay-from:yesterday-ish\n\n\0"));
        cases.put("resume-token and replay-from", List.of(connect(Stack.ADMIN_TOKEN),
                sub + "replay-from:earliest\nresume-token:AQ\n\n\0"));
        cases.put("unknown destination", List.of(connect(Stack.ADMIN_TOKEN),
                "SUBSCRIBE\nid:1\ndestination:/queue/secrets\n\n\0"));
        cases.put("SUBSCRIBE without id", List.of(connect(Stack.ADMIN_TOKEN),
                "SUBSCRIBE\ndestination:/topic/events\n\n\0"));
        cases.put("duplicate subscription id", List.of(connect(Stack.ADMIN_TOKEN), sub + "\n\0", sub + "\n\0"));
        cases.put("ack mode client", List.of(connect(Stack.ADMIN_TOKEN), sub + "ack:client\n\n\0"));
        cases.put("frame without NUL then garbage", List.of(connect(Stack.ADMIN_TOKEN),
                "SUBSCRIBE\nid:1\n\u0001\u0002:::\n\n\0"));
        return cases;
    }

    /**
     * Spring's {@code StompDecoder} throws {@code IllegalArgumentException} (not {@code StompConversionException}) for
     * a command it does not know; escaping the handler, it would close the session with 1011 and no ERROR frame naming
     * the problem.
     */
    @Test
    @Timeout(60)
    void shouldAnswerAnUnknownCommandWithAnErrorFrame() throws Exception {
        URI ws = URI.create("ws://127.0.0.1:" + stack.broadcasterPort() + "/api/events/subscribe");
        try (RawStompSession session = RawStompSession.open(ws)) {
            session.send(connect(Stack.ADMIN_TOKEN)).send("FROBNICATE\nx:y\n\n\0");

            await().atMost(Duration.ofSeconds(10)).until(session::closed);

            assertThat(session.first("ERROR")).as("ERROR frame before the close").isNotNull();
        }
    }

    private static String connect(String token) {
        return "CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\npasscode:" + token + "\n\n\0";
    }

    private static String randomText(Random random) {
        String[] pieces = {"CONNECT", "SUBSCRIBE", "\n", ":", "\0", "\\", "\\c", "id", "destination", "{", "}",
                "\u00ff", "\uD83D\uDE00", "\r\n", "content-length:99999", "\0\0\0"};
        StringBuilder out = new StringBuilder();
        int n = 1 + random.nextInt(60);
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                out.append(pieces[random.nextInt(pieces.length)]);
            } else {
                byte[] b = new byte[random.nextInt(20)];
                random.nextBytes(b);
                out.append(new String(b, StandardCharsets.ISO_8859_1));
            }
        }
        return out.toString();
    }

    private static boolean awaitQuietly(java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(condition);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static List<String> commands(RawStompSession session) {
        return session.frames().stream().map(StompFrame::command).toList();
    }
}
