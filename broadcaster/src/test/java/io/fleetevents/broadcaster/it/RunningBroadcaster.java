package io.fleetevents.broadcaster.it;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.testing.KafkaTestBroker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A broadcaster started in this JVM on a free port, with four test tokens. */
final class RunningBroadcaster implements AutoCloseable {

    static final String ALICE = "alice-secret-token";
    static final String BOB = "bob-secret-token";
    static final String ADMIN = "admin-secret-token";
    static final String ACME = "acme-org-secret-token";

    private final ConfigurableApplicationContext context;

    private RunningBroadcaster(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningBroadcaster start(String topic, Map<String, Object> extra) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("broadcaster.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
        props.put("broadcaster.kafka.topic", topic);
        token(props, 0, "alice", ALICE, "owners", "alice");
        token(props, 1, "bob", BOB, "owners", "bob");
        token(props, 2, "admin", ADMIN, "agent-patterns", "*");
        token(props, 3, "acme", ACME, "organizations", "acme");
        props.put("spring.main.banner-mode", "off");
        props.put("logging.level.root", "WARN");
        props.putAll(extra);
        return new RunningBroadcaster(new SpringApplicationBuilder(BroadcasterApplication.class).properties(props).run());
    }

    private static void token(Map<String, Object> props, int i, String name, String secret, String kind, String value) {
        String prefix = "broadcaster.auth.tokens[" + i + "].";
        props.put(prefix + "name", name);
        props.put(prefix + "sha256", TokenAuthenticator.sha256(secret));
        props.put(prefix + kind + "[0]", value);
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    String stompUrl() {
        return "ws://localhost:" + port() + "/api/events/subscribe";
    }

    String httpUrl() {
        return "http://localhost:" + port();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
