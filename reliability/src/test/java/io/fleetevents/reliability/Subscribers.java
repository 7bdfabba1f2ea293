package io.fleetevents.reliability;

import static org.awaitility.Awaitility.await;

import io.fleetevents.reliability.collect.Collector;
import io.fleetevents.reliability.collect.LongPollCollector;
import io.fleetevents.reliability.collect.SseCollector;
import io.fleetevents.reliability.collect.StompCollector;
import io.fleetevents.reliability.harness.AppProcess;
import io.fleetevents.reliability.harness.Stack;
import io.fleetevents.reliability.oracle.ResultTable;
import io.fleetevents.reliability.oracle.ScriptedFleet;
import io.fleetevents.reliability.oracle.Tally;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/** A scenario's subscribers: N STOMP, one SSE, one long-poll, all filtered to the scenario's fleet from earliest. */
final class Subscribers implements AutoCloseable {

    static final String AGENT_TYPES = "AGENT_FAILURE,TASK_COMPLETION,TASK_FAILURE,AGENT_CONNECTED,AGENT_DISCONNECTED";

    final List<StompCollector> stomp = new ArrayList<>();
    final SseCollector sse;
    final LongPollCollector longPoll;

    private Subscribers(ScriptedFleet fleet, int port, int stompCount, boolean http) {
        URI ws = URI.create("ws://127.0.0.1:" + port + "/api/events/subscribe");
        for (int i = 0; i < stompCount; i++) {
            stomp.add(new StompCollector(ws, Stack.ADMIN_TOKEN, Map.of("agent-ids", fleet.agentPattern(),
                    "event-types", AGENT_TYPES, "replay-from", "earliest")));
        }
        String base = "http://127.0.0.1:" + port;
        Map<String, String> params = Map.of("agent_ids", fleet.agentPattern(), "event_types", AGENT_TYPES,
                "replay_from", "earliest");
        sse = http ? new SseCollector(base, Stack.ADMIN_TOKEN, params) : null;
        longPoll = http ? new LongPollCollector(base, Stack.ADMIN_TOKEN, params) : null;
    }

    /** Opens the subscribers on {@code port} (the broadcaster's, or a proxy's) and waits until STOMP ones are subscribed. */
    static Subscribers open(ScriptedFleet fleet, int port, int stompCount, boolean http, AppProcess broadcaster) {
        Subscribers s = new Subscribers(fleet, port, stompCount, http);
        try {
            await("STOMP subscribers subscribed").atMost(Duration.ofSeconds(60))
                    .until(() -> s.stomp.stream().allMatch(StompCollector::subscribed));
        } catch (ConditionTimeoutException e) {
            String state = s.stomp.stream().filter(c -> !c.subscribed()).map(StompCollector::describe)
                    .collect(Collectors.joining("\n  ", "\n  ", ""));
            Path dump = broadcaster.threadDump("STOMP subscribers of " + fleet.owner() + " not subscribed");
            s.close();
            throw new AssertionError("STOMP subscribers of " + fleet.owner() + " not subscribed within 60 s; "
                    + "broadcaster threads: " + dump + "; not subscribed:" + state, e);
        }
        return s;
    }

    List<Collector> all() {
        List<Collector> all = new ArrayList<>(stomp);
        if (sse != null) {
            all.add(sse);
            all.add(longPoll);
        }
        return all;
    }

    /** Adds the rows of this scenario: Kafka read_committed, STOMP (summed), SSE, long-poll. */
    void report(ResultTable table, String scenario, ScriptedFleet fleet, Collector committed, Duration recovery,
                String note) {
        table.add(scenario, committed.transport(), Tally.of(fleet, committed.received()), recovery, note);
        if (!stomp.isEmpty()) {
            table.add(scenario, "stomp ×" + stomp.size(), Tally.sum(stomp.stream()
                    .map(c -> Tally.of(fleet, c.received())).toList()), recovery, null);
        }
        if (sse != null) {
            table.add(scenario, "sse", Tally.of(fleet, sse.received()), recovery, null);
            table.add(scenario, "long-poll", Tally.of(fleet, longPoll.received()), recovery, null);
        }
    }

    @Override
    public void close() {
        all().forEach(Collector::close);
    }
}
