package io.fleetevents.broadcaster.load;

import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.testing.Events;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * The bar to beat: Spring's simple broker with one unfiltered topic, publishing in-process (no Kafka, no filters, no
 * replay, no auth), on Spring Boot's default Tomcat settings. Run by {@link LoadTool} with {@code --target baseline}.
 */
@SpringBootApplication(scanBasePackages = "io.fleetevents.broadcaster.load")
public class SimpleBrokerBaseline {

    public static void main(String[] args) {
        SpringApplication.run(SimpleBrokerBaseline.class, args);
    }

    @Configuration
    @EnableWebSocketMessageBroker
    static class Broker implements WebSocketMessageBrokerConfigurer {
        @Override
        public void registerStompEndpoints(StompEndpointRegistry registry) {
            registry.addEndpoint("/baseline").setAllowedOriginPatterns("*");
        }

        @Override
        public void configureMessageBroker(MessageBrokerRegistry registry) {
            registry.enableSimpleBroker("/topic");
        }
    }

    @RestController
    static class Publisher {
        private final SimpMessagingTemplate template;

        Publisher(SimpMessagingTemplate template) {
            this.template = template;
        }

        @PostMapping("/baseline/publish")
        String publish(@RequestParam int rate, @RequestParam int seconds) throws InterruptedException {
            long start = System.nanoTime();
            long total = (long) rate * seconds;
            for (long i = 0; i < total; i++) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                byte[] body = FleetJson.mapper().writeValueAsString(Events.of(EventType.AGENT_FAILURE, "owner1/ws.main")
                        .metadata("sent_ms", System.currentTimeMillis()).sequence(i).build()).getBytes(StandardCharsets.UTF_8);
                template.send("/topic/events", org.springframework.messaging.support.MessageBuilder.withPayload(body).build());
            }
            Thread.sleep(1_000);
            return "published " + total;
        }
    }
}
