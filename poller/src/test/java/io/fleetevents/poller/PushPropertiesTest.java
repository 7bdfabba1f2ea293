package io.fleetevents.poller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Push configuration fails naming the key, and never prints the webhook secret. */
class PushPropertiesTest {

    private static PollerProperties.Watch watch(int max, Duration initial, Duration maxBackoff, int perMinute) {
        return new PollerProperties.Watch(true, max, initial, maxBackoff, Duration.ofSeconds(45), 3, Duration.ZERO,
                true, Duration.ofMinutes(5), 1000, perMinute, Duration.ofMinutes(5));
    }

    @Test
    void shouldNameTheKeyOfABadWatchSetting() {
        assertThatThrownBy(() -> watch(-1, Duration.ofSeconds(1), Duration.ofSeconds(60), 240))
                .hasMessageContaining("fleet.poller.watch.max-watched-workspaces");
        assertThatThrownBy(() -> watch(10, Duration.ofSeconds(10), Duration.ofSeconds(1), 240))
                .hasMessageContaining("fleet.poller.watch.reconnect-max-backoff");
        assertThatThrownBy(() -> watch(10, Duration.ZERO, Duration.ofSeconds(1), 240))
                .hasMessageContaining("fleet.poller.watch.reconnect-initial-backoff");
        assertThatThrownBy(() -> watch(10, Duration.ofSeconds(1), Duration.ofSeconds(60), 0))
                .hasMessageContaining("fleet.poller.watch.max-requests-per-minute");
    }

    @Test
    void shouldRequireALongEnoughSecretAndNeverPrintIt() {
        assertThatThrownBy(() -> new PollerProperties.Webhook("short", "X-Fleet-Webhook-Secret", "secret", 10))
                .hasMessageContaining("fleet.poller.webhook.secret").hasMessageNotContaining("short");
        PollerProperties.Webhook webhook = new PollerProperties.Webhook("0123456789abcdef-secret",
                "X-Fleet-Webhook-Secret", "secret", 10);

        assertThat(webhook.enabled()).isTrue();
        assertThat(webhook.toString()).doesNotContain("0123456789abcdef");
        assertThat(new PollerProperties.Webhook("", "X-Fleet-Webhook-Secret", "secret", 10).enabled()).isFalse();
    }
}
