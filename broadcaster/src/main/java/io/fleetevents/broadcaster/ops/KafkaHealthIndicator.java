package io.fleetevents.broadcaster.ops;

import io.fleetevents.broadcaster.fanout.LiveFeed;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while the live consumer is assigned and polled recently; details carry the consumer lag (records on the topic
 * not yet read) and the last error. DOWN when Kafka is unreachable or the topic is missing.
 */
public final class KafkaHealthIndicator implements HealthIndicator {

    private static final long STALE_MILLIS = 30_000;

    private final LiveFeed feed;

    public KafkaHealthIndicator(LiveFeed feed) {
        this.feed = feed;
    }

    @Override
    public Health health() {
        long last = feed.lastPollMillis();
        long age = System.currentTimeMillis() - last;
        Health.Builder builder = feed.position() != null && last > 0 && age < STALE_MILLIS ? Health.up() : Health.down();
        builder.withDetail("topic", feed.clients().topic());
        builder.withDetail("lag", feed.lag());
        builder.withDetail("lastPollAgeMillis", last == 0 ? -1 : age);
        if (feed.lastError() != null) {
            builder.withDetail("error", feed.lastError());
        }
        return builder.build();
    }
}
