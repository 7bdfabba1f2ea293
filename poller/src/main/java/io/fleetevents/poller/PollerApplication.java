package io.fleetevents.poller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.PropertySource;

/**
 * The poller app. Alone: {@code java -jar poller-exec.jar} with {@code CODER_URL}, {@code CODER_SESSION_TOKEN} and
 * {@code KAFKA_BOOTSTRAP_SERVERS}. Embedded: {@code new SpringApplicationBuilder(PollerApplication.class)
 * .properties(...).run()}; several can run in one JVM (no static state, {@code server.port=0} works).
 */
@SpringBootApplication(scanBasePackages = "io.fleetevents.poller")
@EnableConfigurationProperties(PollerProperties.class)
@PropertySource("classpath:io/fleetevents/poller/poller-defaults.properties")
public class PollerApplication {

    public static void main(String[] args) {
        SpringApplication.run(PollerApplication.class, args);
    }
}
