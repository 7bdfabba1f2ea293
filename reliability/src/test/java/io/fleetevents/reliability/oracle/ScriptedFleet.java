package io.fleetevents.reliability.oracle;

import io.fleetevents.reliability.harness.CoderSimControl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's own fleet (its own owner, so scenarios sharing one stack never see each other's events), driven
 * through coder-sim's control API with random activity off. Every transition records the one event DESIGN.md's
 * table derives from it, so the expected set is exact:
 *
 * <ul>
 *   <li>create (running workspace, agent connected and ready) → AGENT_CONNECTED (first sight);</li>
 *   <li>disconnect while the start build runs → AGENT_FAILURE; connect again → AGENT_CONNECTED;</li>
 *   <li>kill (the agent dies without closing its connection, and stays down) → AGENT_FAILURE;</li>
 *   <li>a new app status {@code complete} → TASK_COMPLETION; {@code failure} → TASK_FAILURE;</li>
 *   <li>delete → AGENT_DISCONNECTED (vanished from a complete cycle) if it was connected, else nothing.</li>
 * </ul>
 *
 * <p>The poller only sees states, not transitions: a script must let a complete poll cycle pass between two
 * transitions of the same agent ({@code Barriers.pollerObserved}), or the first one is legitimately never seen.
 */
public final class ScriptedFleet {

    private final CoderSimControl coder;
    private final String owner;
    private final boolean tasks;
    private final Map<String, List<String>> expected = new LinkedHashMap<>();
    private final Map<String, Boolean> connected = new LinkedHashMap<>();

    public ScriptedFleet(CoderSimControl coder, String owner) {
        this(coder, owner, false);
    }

    /** With {@code tasks}, every workspace also has a Coder Task (served by the Tasks API). */
    public ScriptedFleet(CoderSimControl coder, String owner, boolean tasks) {
        this.coder = coder;
        this.owner = owner;
        this.tasks = tasks;
    }

    public String owner() {
        return owner;
    }

    /** The filter pattern that matches this fleet's agents. */
    public String agentPattern() {
        return owner + "/*";
    }

    /** Creates {@code count} workspaces {@code w000…}; returns their agent paths. */
    public List<String> create(int count) {
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            agents.add(create(String.format("w%03d", i)));
        }
        return agents;
    }

    public String create(String name) {
        String agent = coder.createWorkspace(owner, name, tasks) + ".main";
        connected.put(agent, true);
        expect(agent, "AGENT_CONNECTED");
        return agent;
    }

    public void disconnect(String agent) {
        coder.disconnect(agent);
        connected.put(agent, false);
        expect(agent, "AGENT_FAILURE");
    }

    /**
     * The agent dies for real: its pings stop, its connection is not closed, it stays down. Reported once Coder shows
     * it {@code disconnected} and the processor's disconnect grace is over.
     */
    public void kill(String agent) {
        coder.kill(agent);
        connected.put(agent, false);
        expect(agent, "AGENT_FAILURE");
    }

    public void connect(String agent) {
        coder.connect(agent);
        connected.put(agent, true);
        expect(agent, "AGENT_CONNECTED");
    }

    public void completeTask(String agent) {
        coder.completeTask(agent);
        expect(agent, "TASK_COMPLETION");
    }

    public void failTask(String agent) {
        coder.failTask(agent);
        expect(agent, "TASK_FAILURE");
    }

    public void delete(String agent) {
        coder.deleteWorkspace(agent.substring(0, agent.lastIndexOf('.')));
        if (Boolean.TRUE.equals(connected.remove(agent))) {
            expect(agent, "AGENT_DISCONNECTED");
        }
    }

    /**
     * Deletes every workspace of the fleet still standing, expecting nothing more: the scenario is over, and what its
     * deletion derives is about this owner only, which every other scenario's oracle filters out.
     */
    public void retire() {
        List<String> standing = new ArrayList<>(connected.keySet());
        connected.clear();
        standing.forEach(agent -> coder.deleteWorkspace(agent.substring(0, agent.lastIndexOf('.'))));
    }

    /**
     * Step {@code round} (1-based) of an agent's working life: complete a task, die, come back, fail a task,
     * die, come back, … — one transition, one event.
     */
    public void lifeStep(String agent, int round) {
        switch ((round - 1) % 6) {
            case 0 -> completeTask(agent);
            case 1, 4 -> disconnect(agent);
            case 2, 5 -> connect(agent);
            default -> failTask(agent);
        }
    }

    private void expect(String agent, String type) {
        synchronized (expected) {
            expected.computeIfAbsent(agent, a -> new ArrayList<>()).add(type);
        }
    }

    /** Expected event types per agent path, in order. */
    public Map<String, List<String>> expected() {
        synchronized (expected) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            expected.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            return copy;
        }
    }

    public int expectedCount() {
        return expected().values().stream().mapToInt(List::size).sum();
    }
}
