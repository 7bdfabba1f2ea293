package io.fleetevents.broadcaster.app;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.fanout.KafkaClients;
import io.fleetevents.broadcaster.fanout.LiveFeed;
import io.fleetevents.broadcaster.fanout.SubscriptionIndex;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.replay.ReplayReaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one place where the broadcaster's parts are created, started and stopped. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FeedHealthProperties.class)
class BroadcasterWiring {

    @Bean
    BroadcasterMetrics broadcasterMetrics(MeterRegistry registry) {
        return new BroadcasterMetrics(registry);
    }

    @Bean
    TokenAuthenticator tokenAuthenticator(BroadcasterProperties properties, MeterRegistry registry) {
        return new TokenAuthenticator(properties.auth(), registry);
    }

    @Bean
    ConnectionLimiter connectionLimiter(BroadcasterProperties properties, BroadcasterMetrics metrics, MeterRegistry registry) {
        return new ConnectionLimiter(properties.limits(), metrics, registry);
    }

    /**
     * Bootstrap servers: {@code fleet.broadcaster.kafka.bootstrap-servers}, else {@code spring.kafka.bootstrap-servers},
     * else {@code KAFKA_BOOTSTRAP_SERVERS}, else {@code localhost:9092}.
     */
    @Bean
    KafkaClients kafkaClients(BroadcasterProperties properties, org.springframework.core.env.Environment environment) {
        BroadcasterProperties.Kafka kafka = properties.kafka();
        if (kafka.bootstrapServers() == null || kafka.bootstrapServers().isBlank()) {
            kafka = new BroadcasterProperties.Kafka(bootstrapServers(kafka, environment), kafka.topic(),
                    kafka.pollTimeout(), kafka.topicWait());
        }
        return new KafkaClients(kafka);
    }

    private static String bootstrapServers(BroadcasterProperties.Kafka kafka, org.springframework.core.env.Environment environment) {
        if (kafka.bootstrapServers() != null && !kafka.bootstrapServers().isBlank()) {
            return kafka.bootstrapServers();
        }
        return environment.getProperty("spring.kafka.bootstrap-servers",
                environment.getProperty("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
    }

    @Bean
    SubscriptionIndex subscriptionIndex(BroadcasterMetrics metrics) {
        return new SubscriptionIndex(metrics);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    LiveFeed liveFeed(KafkaClients clients, SubscriptionIndex index, BroadcasterMetrics metrics, BroadcasterProperties properties) {
        return new LiveFeed(clients, index, metrics, properties.kafka());
    }

    @Bean(destroyMethod = "shutdown")
    ReplayReaders replayReaders(KafkaClients clients, BroadcasterMetrics metrics, BroadcasterProperties properties) {
        return new ReplayReaders(clients, metrics, properties.replay());
    }

    @Bean
    Subscriptions subscriptions(LiveFeed feed, SubscriptionIndex index, ReplayReaders readers, BroadcasterMetrics metrics) {
        return new Subscriptions(feed, index, readers, metrics);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    FeedProgressMonitor feedProgressMonitor(LiveFeed feed, FeedHealthProperties health, BroadcasterProperties properties,
                                            org.springframework.core.env.Environment environment) {
        return new FeedProgressMonitor(feed, bootstrapServers(properties.kafka(), environment), health, Clock.systemUTC());
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(LiveFeed feed, FeedProgressMonitor progress) {
        return new KafkaHealthIndicator(feed, progress);
    }
}
