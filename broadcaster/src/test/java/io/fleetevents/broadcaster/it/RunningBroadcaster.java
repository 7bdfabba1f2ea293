package io.fleetevents.broadcaster.it;

import io.fleetevents.broadcaster.BroadcasterApplication;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.fleetevents.testing.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** A broadcaster started in this JVM on a free port, with four test tokens and HS256 JWTs. */
final class RunningBroadcaster implements AutoCloseable {

    static final String ALICE = "alice-secret-token";
    static final String BOB = "bob-secret-token";
    static final String ADMIN = "admin-secret-token";
    static final String ACME = "acme-org-secret-token";
    /** JWTs are accepted too: HS256 with this secret, from this issuer. */
    static final String JWT_ISSUER = "https://issuer.fleet-events.test";
    static final String JWT_SECRET = "integration-test-jwt-secret-of-at-least-32-bytes";

    private final ConfigurableApplicationContext context;

    private RunningBroadcaster(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningBroadcaster start(String topic, Map<String, Object> extra) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("fleet.broadcaster.kafka.bootstrap-servers", KafkaTestBroker.bootstrapServers());
        props.put("fleet.broadcaster.kafka.topic", topic);
        token(props, 0, "alice", ALICE, "owners", "alice");
        token(props, 1, "bob", BOB, "owners", "bob");
        token(props, 2, "admin", ADMIN, "agent-patterns", "*");
        token(props, 3, "acme", ACME, "organizations", "acme");
        props.put("fleet.broadcaster.auth.jwt.issuer", JWT_ISSUER);
        props.put("fleet.broadcaster.auth.jwt.secret", JWT_SECRET);
        props.put("fleet.broadcaster.auth.jwt.clock-skew", "0s"); // expiry tests end connections at exp exactly
        props.put("spring.main.banner-mode", "off");
        props.put("logging.level.root", "WARN");
        props.putAll(extra);
        return new RunningBroadcaster(new SpringApplicationBuilder(BroadcasterApplication.class).properties(props).run());
    }

    private static void token(Map<String, Object> props, int i, String name, String secret, String kind, String value) {
        String prefix = "fleet.broadcaster.auth.tokens[" + i + "].";
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

    /** An HS256 JWT from the test issuer for {@code subject}, seeing {@code owners}, expiring at {@code expires}. */
    static String jwt(String subject, List<String> owners, Instant expires) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(JWT_ISSUER).subject(subject)
                .claim("owners", owners).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
