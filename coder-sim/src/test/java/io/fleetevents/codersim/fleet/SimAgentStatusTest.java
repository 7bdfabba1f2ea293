package io.fleetevents.codersim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Coder's agent status rule (coder-api.md §5, §16), one row per rule, on the model's connection times. */
class SimAgentStatusTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private static SimAgent agent() {
        SimAgent agent = new SimAgent("main", null);
        agent.createdAt = T0;
        return agent;
    }

    private static SimAgent connectedAt(int second) {
        SimAgent agent = agent();
        agent.firstConnectedAt = T0.plusSeconds(second);
        agent.connectedSince = T0.plusSeconds(second);
        agent.lastConnectedAt = T0.plusSeconds(second);
        return agent;
    }

    private static SimAgent closedAt(int connected, int closed) {
        SimAgent agent = connectedAt(connected);
        agent.lastConnectedAt = agent.lastConnectedAt(T0.plusSeconds(closed));
        agent.connectedSince = null;
        agent.disconnectedAt = T0.plusSeconds(closed);
        return agent;
    }

    private static SimAgent reconnectedAt(int closed, int reconnected) {
        SimAgent agent = closedAt(0, closed);
        agent.connectedSince = T0.plusSeconds(reconnected);
        return agent;
    }

    private static SimAgent diedAt(int connected, int died) {
        SimAgent agent = connectedAt(connected);
        agent.lastConnectedAt = agent.lastConnectedAt(T0.plusSeconds(died));
        agent.connectedSince = null;
        agent.pingsStopped = true;
        return agent;
    }

    private static SimAgent timedOut() {
        SimAgent agent = agent();
        agent.timedOut = true;
        return agent;
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("never connected: connecting", agent(), 10, "connecting", null),
                Arguments.of("never connected past its timeout: timeout", timedOut(), 200, "timeout", null),
                Arguments.of("open connection, pinging: connected", connectedAt(0), 100, "connected", null),
                Arguments.of("closed connection: disconnected at the close", closedAt(0, 20), 21, "disconnected", 20),
                Arguments.of("reconnected before its first ping: connected, old disconnected_at kept",
                        reconnectedAt(20, 25), 39, "connected", 20),
                Arguments.of("reconnected past its first ping: connected, disconnected_at cleared",
                        reconnectedAt(20, 25), 40, "connected", null),
                Arguments.of("died, last ping 30 s ago: still connected", diedAt(0, 40), 60, "connected", null),
                Arguments.of("died, last ping over 30 s ago: disconnected, back-filled",
                        diedAt(0, 40), 61, "disconnected", 30),
                Arguments.of("died and coderd noticed: disconnected at the first tick past the timeout",
                        diedAt(0, 40), 80, "disconnected", 75));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void shouldComputeTheStatusAsCoderDoes(String rule, SimAgent agent, int atSecond, String status,
                                          Integer disconnectedAtSecond) {
        Instant now = T0.plusSeconds(atSecond);

        String actual = agent.status(now);
        Instant disconnectedAt = agent.disconnectedAt(now);

        assertThat(actual).as(rule).isEqualTo(status);
        assertThat(disconnectedAt).as(rule)
                .isEqualTo(disconnectedAtSecond == null ? null : T0.plusSeconds(disconnectedAtSecond));
    }
}
