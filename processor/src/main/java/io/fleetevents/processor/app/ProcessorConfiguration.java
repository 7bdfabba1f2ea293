package io.fleetevents.processor.app;

import io.fleetevents.processor.ProcessorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;

/** Beans of the processor app. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ProcessorConfig.class, ProcessorHealthConfig.class})
@PropertySource("classpath:io/fleetevents/processor/processor-defaults.properties")
public class ProcessorConfiguration {

    /** Fills in the bootstrap servers the way every app of the project does. */
    static ProcessorConfig resolve(ProcessorConfig bound, Environment env) {
        if (bound.bootstrapServers() != null && !bound.bootstrapServers().isBlank()) {
            return bound;
        }
        String servers = env.getProperty("spring.kafka.bootstrap-servers");
        if (servers == null || servers.isBlank()) {
            servers = env.getProperty("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        }
        return bound.withBootstrapServers(servers);
    }

    @Bean
    ProcessorMetrics fleetProcessorMetrics(ObjectProvider<MeterRegistry> registry) {
        return new ProcessorMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    StreamsLifecycle streamsLifecycle(ProcessorConfig config, Environment env, ProcessorMetrics metrics) {
        return new StreamsLifecycle(resolve(config, env), metrics);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    StreamsHealthMonitor streamsHealthMonitor(StreamsLifecycle lifecycle, ProcessorHealthConfig health) {
        return new StreamsHealthMonitor(lifecycle, health, Clock.systemUTC());
    }

    @Bean
    StreamsHealthIndicator kafkaStreamsHealthIndicator(StreamsLifecycle lifecycle, StreamsHealthMonitor monitor) {
        return new StreamsHealthIndicator(lifecycle, monitor);
    }
}
