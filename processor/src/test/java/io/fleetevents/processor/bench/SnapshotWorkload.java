package io.fleetevents.processor.bench;

import static io.fleetevents.testing.Snapshots.T0;

import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.SnapshotRecord;
import io.fleetevents.schemas.Topics;
import io.fleetevents.testing.Snapshots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic snapshot traffic: what the poller writes for one agent (compact JSON of ~4 KB: the Coder agent with its
 * app-status history, the workspace without its agents), for a fleet of agents each cycling through eight
 * changes — working, idle, working, complete (TASK_COMPLETION), working, idle, disconnected (AGENT_FAILURE),
 * reconnected (AGENT_CONNECTED) — so 3 of 8 snapshots yield an event, the rest are changes without one.
 */
final class SnapshotWorkload {

    private static final long TEMPLATE_POLL = 777_777_777L;
    private static final String POLL_TOKEN = "\"poll_id\":" + TEMPLATE_POLL + ",";
    static final int VARIANTS = 8;
    private static final int HISTORY = Integer.getInteger("bench.history", 0);

    private final List<String> keys = new ArrayList<>();
    private final List<String[]> variants = new ArrayList<>();
    private final int averageBytes;

    SnapshotWorkload(String deployment, int agents) {
        long total = 0;
        for (int a = 0; a < agents; a++) {
            String path = "user" + (a % 97) + "/ws-" + a + ".main";
            String[] v = new String[VARIANTS];
            for (int i = 0; i < VARIANTS; i++) {
                AgentSnapshot s = variant(Snapshots.agent(path).deployment(deployment)
                        .organization("org" + (a % 3)).template("template" + (a % 5)), i).build();
                v[i] = new String(Topics.AGENT_SNAPSHOTS.valueSerde().serializer().serialize("t", s),
                        StandardCharsets.UTF_8);
                if (!v[i].contains(POLL_TOKEN)) {
                    throw new IllegalStateException("poll_id token not found in " + v[i]);
                }
                total += v[i].length();
            }
            keys.add(Snapshots.keyOf(path));
            variants.add(v);
        }
        averageBytes = (int) (total / ((long) agents * VARIANTS));
    }

    /** A history long enough to make the snapshot ~4 KB, then the variant's latest change. */
    private static Snapshots.Builder variant(Snapshots.Builder b, int i) {
        b.pollId(TEMPLATE_POLL);
        for (int h = 0; h < HISTORY; h++) {
            b.appStatus(h % 2 == 0 ? "working" : "idle", "Step " + h + ": reading the failing test output and "
                    + "bisecting the flaky assertion", T0.plusSeconds(200 + h * 10));
        }
        String[] states = {"working", "idle", "working", "complete", "working", "idle", "working", "working"};
        for (int s = 0; s <= Math.min(i, 5); s++) {
            b.appStatus(states[s], "Progress update " + s, T0.plusSeconds(400 + s * 10));
        }
        if (i == 6) {
            b.disconnectedAt(T0.plusSeconds(3000));
        }
        return b;
    }

    int agents() {
        return keys.size();
    }

    int averageBytes() {
        return averageBytes;
    }

    String key(long sequence) {
        return keys.get((int) (sequence % keys.size()));
    }

    /** The {@code sequence}-th record: agent {@code sequence % agents}, its next change, a rising poll id. */
    byte[] value(long sequence) {
        int agent = (int) (sequence % keys.size());
        long round = sequence / keys.size();
        String json = variants.get(agent)[(int) (round % VARIANTS)];
        return json.replace(POLL_TOKEN, "\"poll_id\":" + (round + 1) + ",").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the {@code sequence}-th record yields an event (rounds 3, 6 and 7 of each cycle, after the first). */
    static boolean yieldsEvent(long round) {
        int v = (int) (round % VARIANTS);
        return v == 3 || v == 6 || v == 7;
    }

    static SnapshotRecord sample(String deployment) {
        return variant(Snapshots.agent("alice/sample.main").deployment(deployment), 3).build();
    }
}
