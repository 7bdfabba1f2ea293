package io.fleetevents.broadcaster;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.PropertySource;

/**
 * The broadcaster: {@code fleet.events} to STOMP over WebSocket, SSE and long-poll. Start it with
 * {@code java -jar broadcaster.jar}, or programmatically with
 * {@code new SpringApplicationBuilder(BroadcasterApplication.class).properties(...).run()}; several instances can run
 * in one JVM (no static mutable state, {@code server.port=0} works).
 */
@SpringBootApplication(scanBasePackages = "io.fleetevents.broadcaster")
@EnableConfigurationProperties(BroadcasterProperties.class)
@PropertySource("classpath:io/fleetevents/broadcaster/broadcaster-defaults.properties")
public class BroadcasterApplication {

    /** Tomcat's per-WebSocket-session buffers (three of 8 KiB by default); a JVM-wide setting, so only main sets it. */
    static final String TOMCAT_WEBSOCKET_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    public static void main(String[] args) {
        if (System.getProperty(TOMCAT_WEBSOCKET_BUFFER) == null) {
            System.setProperty(TOMCAT_WEBSOCKET_BUFFER, "2048");
        }
        SpringApplication.run(BroadcasterApplication.class, args);
    }
}
