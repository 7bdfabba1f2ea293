package io.fleetevents.codersim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.codersim.MutableClock;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the simulator's rendering byte for byte: a seeded fleet, moved through random activity and rendered at two
 * instants (agents' {@code last_connected_at} ticks on its own phase), must hash to the recorded digests. A
 * performance change to the rendering must leave them as they are; a deliberate change of the JSON updates them.
 */
class CoderJsonGoldenTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00.123Z");

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] workspaceList(Fleet fleet) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FleetJson(fleet).writeWorkspaceList(out, WorkspaceQuery.ALL, 0, 0);
        return out.toByteArray();
    }

    private static byte[] tasks(Fleet fleet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FleetJson(fleet).writeTasks(out);
        return out.toByteArray();
    }

    @Test
    void shouldRenderASeededFleetExactlyAsRecorded() throws Exception {
        MutableClock clock = new MutableClock(T0);
        Fleet fleet = new Fleet(7, 7, 0.3, clock);
        RandomActivity activity = new RandomActivity(fleet, 400);
        clock.advance(Duration.ofSeconds(37).plusNanos(456_789));
        activity.step(40, 25);
        activity.churn(30);

        byte[] first = workspaceList(fleet);
        byte[] firstTasks = tasks(fleet);
        clock.advance(Duration.ofSeconds(8).plusNanos(1));
        byte[] later = workspaceList(fleet);

        assertThat(first.length).isGreaterThan(1_000_000);
        assertThat(later).isNotEqualTo(first);
        assertThat(List.of(sha256(first), sha256(firstTasks), sha256(later))).containsExactly(
                "d63e3a6edfb05e8ad2392afa592739b50f66a86ac98e36a557bc9e3344aff00f",
                "d269d21ad6b60385a00aa67ec7ca6cdaa3295671bbe140d70ce09efed6e7f19e",
                "fb469437feb8552fe12ad1f055fe414483bc1a63a6d1519e034bb65415d3d913");
    }
}
