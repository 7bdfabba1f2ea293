package io.fleetevents.broadcaster;

import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.fanout.KafkaClients;
import io.fleetevents.broadcaster.fanout.LiveFeed;
import io.fleetevents.broadcaster.fanout.SubscriptionIndex;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.ops.BroadcasterMetrics;
import io.fleetevents.broadcaster.ops.KafkaHealthIndicator;
import io.fleetevents.broadcaster.replay.ReplayReaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one place where the broadcaster's parts are created, started and stopped. */
@Configuration(proxyBeanMethods = false)
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

    @Bean
    KafkaClients kafkaClients(BroadcasterProperties properties) {
        return new KafkaClients(properties.kafka());
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

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(LiveFeed feed) {
        return new KafkaHealthIndicator(feed);
    }
}
