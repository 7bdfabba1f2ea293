package io.fleetevents.broadcaster.app;

import io.fleetevents.broadcaster.fanout.LiveFeed;
import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while the live consumer is assigned and polled recently; details carry the consumer lag (records on the topic
 * not yet read) and the last error. DOWN when Kafka is unreachable or the topic is missing, and when
 * {@link FeedProgressMonitor} finds the feed stuck while the topic grows ({@code cause}, {@code causes}).
 */
public final class KafkaHealthIndicator implements HealthIndicator {

    private static final long STALE_MILLIS = 30_000;

    private final LiveFeed feed;
    private final FeedProgressMonitor progress;

    public KafkaHealthIndicator(LiveFeed feed, FeedProgressMonitor progress) {
        this.feed = feed;
        this.progress = progress;
    }

    @Override
    public Health health() {
        long last = feed.lastPollMillis();
        long age = System.currentTimeMillis() - last;
        List<String> causes = progress.causes();
        Health.Builder builder = feed.position() != null && last > 0 && age < STALE_MILLIS && causes.isEmpty()
                ? Health.up() : Health.down();
        if (!causes.isEmpty()) {
            builder.withDetail("cause", causes.get(0)).withDetail("causes", causes);
        }
        if (progress.checkError() != null) {
            builder.withDetail("check_error", progress.checkError());
        }
        builder.withDetail("topic", feed.clients().topic());
        builder.withDetail("lag", feed.lag());
        builder.withDetail("lastPollAgeMillis", last == 0 ? -1 : age);
        if (feed.lastError() != null) {
            builder.withDetail("error", feed.lastError());
        }
        return builder.build();
    }
}
