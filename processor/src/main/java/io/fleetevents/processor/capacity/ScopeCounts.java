package io.fleetevents.processor.capacity;

/**
 * Agent counts of one scope in one partition (or summed over all).
 *
 * @param agents     agents (agent-less workspaces excluded)
 * @param connected  agents Coder reports {@code connected}
 * @param working    connected agents whose newest fresh app status is {@code working}
 * @param prebuilt   agents of unclaimed prebuilt workspaces, counted apart (in none of the above)
 */
public record ScopeCounts(int agents, int connected, int working, int prebuilt) {

    public static final ScopeCounts ZERO = new ScopeCounts(0, 0, 0, 0);

    /** Counts without prebuilt agents. */
    public ScopeCounts(int agents, int connected, int working) {
        this(agents, connected, working, 0);
    }

    public ScopeCounts plus(ScopeCounts other) {
        return new ScopeCounts(agents + other.agents, connected + other.connected, working + other.working,
                prebuilt + other.prebuilt);
    }
}
