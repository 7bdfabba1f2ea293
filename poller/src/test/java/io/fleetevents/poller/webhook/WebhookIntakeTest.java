package io.fleetevents.poller.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.poller.cycle.FleetView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Coder's notification payloads (coder-api.md §9 and §13.3) and what the intake makes of them. */
class WebhookIntakeTest {

    private static final String SECRET = "0123456789abcdef-secret";
    private static final String WS = "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a1b23";
    private static final String OWNER = "8a6b2c3d-1e4f-4a5b-9c8d-7e6f5a4b3c2d";
    private final List<String> reads = new ArrayList<>();
    private final FleetView fleet = new FleetView(1, List.of(WS), Map.of("alice/fix-flaky-tests", WS));
    private final WebhookIntake intake = new WebhookIntake(SECRET, 2, () -> fleet, (id, source) -> reads.add(id));

    private static byte[] taskCompleted(String msgId, String targets) {
        return ("{\"_version\":\"1.1\",\"msg_id\":\"" + msgId + "\",\"payload\":{\"_version\":\"1.2\","
                + "\"notification_name\":\"Task Completed\",\"notification_template_id\":"
                + "\"8c5a4d12-9f7e-4b3a-a1c8-6e4f2d9b5a7c\",\"user_id\":\"" + OWNER + "\",\"user_username\":\"alice\","
                + "\"labels\":{\"task\":\"fix-flaky-tests\",\"workspace\":\"fix-flaky-tests\"},"
                + "\"data\":{\"dedupe_bypass_ts\":\"2026-03-02T09:14:00Z\"},\"targets\":[" + targets + "]},"
                + "\"title\":\"t\",\"body\":\"b\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAcceptOnlyTheExactSecret() {
        assertThat(intake.authenticated(SECRET)).isTrue();
        assertThat(intake.authenticated(" " + SECRET + " ")).isTrue();
        assertThat(intake.authenticated(null)).isFalse();
        assertThat(intake.authenticated("")).isFalse();
        assertThat(intake.authenticated(SECRET + "x")).isFalse();
    }

    @Test
    void shouldReadTheWorkspaceNamedAmongTheTargets() {
        WebhookIntake.Outcome outcome = intake.handle("m1", taskCompleted("m1", "\"" + WS + "\",\"" + OWNER + "\""));

        assertThat(outcome.status()).isEqualTo(202);
        assertThat(outcome.workspaces()).containsExactly(WS);
        assertThat(reads).containsExactly(WS);
    }

    @Test
    void shouldFindTheWorkspaceByOwnerAndNameWhenNoTargetIsKnown() {
        WebhookIntake.Outcome outcome = intake.handle("m1", taskCompleted("m1", "\"" + OWNER + "\""));

        assertThat(outcome.workspaces()).containsExactly(WS);
    }

    @Test
    void shouldReadOncePerMessageIdAndTakeTheBodysIdWithoutTheHeader() {
        intake.handle(null, taskCompleted("m1", "\"" + WS + "\""));
        WebhookIntake.Outcome again = intake.handle("m1", taskCompleted("m1", "\"" + WS + "\""));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.message()).contains("already handled");
        assertThat(reads).hasSize(1);
    }

    @Test
    void shouldRememberOnlyTheConfiguredNumberOfIds() {
        intake.handle("m1", taskCompleted("m1", "\"" + WS + "\""));
        intake.handle("m2", taskCompleted("m2", "\"" + WS + "\""));
        intake.handle("m3", taskCompleted("m3", "\"" + WS + "\""));

        intake.handle("m1", taskCompleted("m1", "\"" + WS + "\""));

        assertThat(reads).hasSize(4);
    }

    @Test
    void shouldRefuseBodiesThatAreNotCoderNotificationsWithAClearMessageAndReadNothing() {
        assertThat(intake.handle("m1", "{oops".getBytes(StandardCharsets.UTF_8)).message()).contains("not JSON");
        assertThat(intake.handle("m2", "[1]".getBytes(StandardCharsets.UTF_8)).message()).contains("'payload'");
        assertThat(intake.handle(null, "{\"payload\":{}}".getBytes(StandardCharsets.UTF_8)).message())
                .contains("no message id");
        assertThat(intake.handle("m1", taskCompleted("m1", "\"" + WS + "\"")).status())
                .as("a refused body does not use up its message id").isEqualTo(202);
        assertThat(reads).containsExactly(WS);
    }

    @Test
    void shouldAcceptAMessageAboutNoListedWorkspaceWithoutReading() {
        byte[] body = new String(taskCompleted("m9", "\"00000000-0000-4000-8000-000000000000\""),
                StandardCharsets.UTF_8).replace("fix-flaky-tests", "elsewhere").getBytes(StandardCharsets.UTF_8);

        WebhookIntake.Outcome outcome = intake.handle("m9", body);

        assertThat(outcome.status()).isEqualTo(202);
        assertThat(outcome.message()).contains("names no workspace");
        assertThat(reads).isEmpty();
    }
}
