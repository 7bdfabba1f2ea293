package io.fleetevents.broadcaster.agents;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Creates, starts and stops the in-memory view of {@code fleet.agents}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentsProperties.class)
class AgentsConfiguration {

    /** Same bootstrap servers as the events consumer: {@code fleet.broadcaster.kafka.bootstrap-servers}, then the fallbacks. */
    @Bean(initMethod = "start", destroyMethod = "stop")
    AgentDirectory agentDirectory(BroadcasterProperties properties, AgentsProperties agents, Environment environment,
                                  MeterRegistry registry) {
        String servers = properties.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            servers = environment.getProperty("spring.kafka.bootstrap-servers",
                    environment.getProperty("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        }
        return new AgentDirectory(servers, agents, registry);
    }
}
