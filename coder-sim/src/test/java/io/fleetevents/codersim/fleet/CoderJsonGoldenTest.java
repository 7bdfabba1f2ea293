package io.fleetevents.codersim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.codersim.MutableClock;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
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
        fleet.writeWorkspaceList(out, WorkspaceQuery.ALL, 0, 0);
        return out.toByteArray();
    }

    private static byte[] tasks(Fleet fleet) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fleet.writeTasks(out);
        return out.toByteArray();
    }

    @Test
    void shouldRenderASeededFleetExactlyAsRecorded() throws Exception {
        MutableClock clock = new MutableClock(T0);
        Fleet fleet = new Fleet(7, 400, 0.3, clock);
        clock.advance(Duration.ofSeconds(37).plusNanos(456_789));
        fleet.step(40, 25);
        fleet.churn(30);

        byte[] first = workspaceList(fleet);
        byte[] firstTasks = tasks(fleet);
        clock.advance(Duration.ofSeconds(8).plusNanos(1));
        byte[] later = workspaceList(fleet);

        assertThat(first.length).isGreaterThan(1_000_000);
        assertThat(later).isNotEqualTo(first);
        assertThat(sha256(first)).isEqualTo("aff07e1932928538484d593ba239f55393aa6b925ee846107b724b12b5a10c27");
        assertThat(sha256(firstTasks)).isEqualTo("f0b8699cd5c8b83354e9ff939c31169bcc39de012b58347793d394e5b4c1f94b");
        assertThat(sha256(later)).isEqualTo("0e139eb88d18ea5c46930b543c05769aa36ef56a6d79ed3b97146bc978dbf68f");
    }
}
