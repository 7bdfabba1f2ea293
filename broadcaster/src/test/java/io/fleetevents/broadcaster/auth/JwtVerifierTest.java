package io.fleetevents.broadcaster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** JWT verification with real signatures (Nimbus) and a real JWKS endpoint (the JDK's HTTP server). */
class JwtVerifierTest {

    private static final String ISSUER = "https://issuer.example";
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";

    static BroadcasterProperties.Jwt config(String issuer, URI jwkSetUri, String secret, String audience) {
        return new BroadcasterProperties.Jwt(issuer, jwkSetUri, secret, audience, "owners", "organizations",
                "agent_patterns", Duration.ofSeconds(60));
    }

    static String hs256(String secret, Consumer<JWTClaimsSet.Builder> claims) {
        return sign(new JWSHeader(JWSAlgorithm.HS256), macSigner(secret), claims);
    }

    private static JWSSigner macSigner(String secret) {
        try {
            return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSHeader header, JWSSigner signer, Consumer<JWTClaimsSet.Builder> claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
        claims.accept(builder);
        SignedJWT jwt = new SignedJWT(header, builder.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static EventRoute agentOf(String owner, String organization) {
        return new EventRoute("e", EventType.AGENT_FAILURE, EventSeverity.CRITICAL, "id-" + owner,
                "dep:ws-" + owner + "/main", owner + "/ws.main", owner, organization, null);
    }

    @Test
    void shouldTurnAValidTokenIntoACallerScopedByItsClaims() {
        JwtVerifier verifier = JwtVerifier.of(config(ISSUER, null, SECRET, null));
        Instant expires = Instant.now().plusSeconds(300);

        Caller caller = verifier.verify(hs256(SECRET, c -> c.claim("owners", List.of("alice"))
                .claim("organizations", "acme").expirationTime(Date.from(expires))));

        assertThat(caller.name()).isEqualTo("jwt:alice");
        assertThat(caller.expiresAt()).as("exp + the clock skew").isEqualTo(Instant.ofEpochSecond(expires.getEpochSecond() + 60));
        assertThat(caller.scope().permits(agentOf("alice", "other"))).isTrue();
        assertThat(caller.scope().permits(agentOf("carol", "acme"))).isTrue();
        assertThat(caller.scope().permits(agentOf("bob", "other"))).isFalse();
        assertThat(caller.expiredAt(System.currentTimeMillis())).isFalse();
        assertThat(verifier.verify(hs256(SECRET, c -> c.claim("agent_patterns", List.of("*")))).scope().isWholeFleet()).isTrue();
        assertThat(verifier.verify(hs256(SECRET, c -> { })).scope().permits(agentOf("alice", "acme")))
                .as("no scope claims: sees nothing").isFalse();
    }

    @Test
    void shouldRejectTokensThatAreExpiredForeignUnsignedOrMisshapenSayingWhy() {
        JwtVerifier verifier = JwtVerifier.of(config(ISSUER, null, SECRET, "fleet-events"));
        String expired = hs256(SECRET, c -> c.audience("fleet-events").expirationTime(Date.from(Instant.now().minusSeconds(120))));
        String otherIssuer = hs256(SECRET, c -> c.audience("fleet-events").issuer("https://elsewhere.example"));
        String otherAudience = hs256(SECRET, c -> c.audience("someone-else"));
        String noExpiry = hs256(SECRET, c -> c.audience("fleet-events").expirationTime(null));
        String otherSecret = hs256(SECRET.replace('0', '1'), c -> c.audience("fleet-events"));
        String noSubject = hs256(SECRET, c -> c.audience("fleet-events").subject(null));
        String badClaim = hs256(SECRET, c -> c.audience("fleet-events").claim("owners", 42));
        String good = hs256(SECRET, c -> c.audience("fleet-events"));
        String[] parts = good.split("\\.");
        String unsigned = parts[0] + "." + parts[1] + ".";
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"iss\":\"https://issuer.example\",\"sub\":\"mallory\",\"aud\":\"fleet-events\",\"exp\":9999999999}"
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertThat(verifier.verify(good).name()).isEqualTo("jwt:alice");
        assertRejected(verifier, expired, "expired");
        assertRejected(verifier, otherIssuer, "iss");
        assertRejected(verifier, otherAudience, "aud");
        assertRejected(verifier, noExpiry, "exp");
        assertRejected(verifier, otherSecret, "invalid JWT");
        assertRejected(verifier, noSubject, "sub claim is required");
        assertRejected(verifier, badClaim, "claim owners must be a string or a list of strings");
        assertRejected(verifier, unsigned, "invalid JWT");
        assertRejected(verifier, tampered, "invalid JWT");
    }

    private static void assertRejected(JwtVerifier verifier, String token, String reason) {
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining(reason).message().doesNotContain(token);
    }

    @Test
    void shouldVerifyTokensSignedByTheIssuersKeysFromItsKeySet() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
        try {
            JwtVerifier verifier = JwtVerifier.of(config(ISSUER,
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"), null, null));
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build();

            Caller caller = verifier.verify(sign(header, new RSASSASigner(key), c -> c.claim("organizations", List.of("acme"))));

            assertThat(caller.scope().permits(agentOf("carol", "acme"))).isTrue();
            assertRejected(verifier, sign(header, new RSASSASigner(stranger), c -> { }), "invalid JWT");
            assertRejected(verifier, hs256(SECRET, c -> { }), "invalid JWT");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseRatherThanHangWhenTheIssuersKeySetDoesNotAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            try {
                release.await(); // never answers while the test waits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        try {
            JwtVerifier verifier = JwtVerifier.of(config(ISSUER,
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks"), null, null));
            RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
            String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new RSASSASigner(key), c -> { });

            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertRejected(verifier, token, "JWT could not be verified"));
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    @Test
    void shouldFailAtStartNamingTheKeyAndNeverPrintTheSecret() {
        assertThat(JwtVerifier.of(config(null, null, null, null))).as("off without an issuer").isNull();
        assertThatThrownBy(() -> JwtVerifier.of(config(null, null, SECRET, null)))
                .hasMessageStartingWith("fleet.broadcaster.auth.jwt.issuer: required");
        assertThatThrownBy(() -> JwtVerifier.of(config(ISSUER, null, null, null)))
                .hasMessageContaining("fleet.broadcaster.auth.jwt.jwk-set-uri / fleet.broadcaster.auth.jwt.secret: set exactly one");
        assertThatThrownBy(() -> JwtVerifier.of(config(ISSUER, URI.create("https://issuer.example/jwks"), SECRET, null)))
                .hasMessageContaining("set exactly one");
        assertThatThrownBy(() -> JwtVerifier.of(config(ISSUER, null, "short-secret", null)))
                .hasMessageStartingWith("fleet.broadcaster.auth.jwt.secret: must be at least 32 bytes")
                .message().doesNotContain("short-secret");
        assertThatThrownBy(() -> JwtVerifier.of(config(ISSUER, URI.create("file:///etc/keys.json"), null, null)))
                .hasMessageStartingWith("fleet.broadcaster.auth.jwt.jwk-set-uri: must be an http(s) URL");
        assertThat(config(ISSUER, null, SECRET, null).toString()).doesNotContain(SECRET).contains("secret=(set)");
    }

    @Test
    void shouldTryJwtsOnlyForTokensThatAreNotConfiguredAndCountEachFailure() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BroadcasterProperties.Token admin = new BroadcasterProperties.Token("admin", TokenAuthenticator.sha256("a.b.c"),
                List.of(), List.of(), List.of("*"));
        TokenAuthenticator withJwt = new TokenAuthenticator(
                new BroadcasterProperties.Auth(List.of(admin), config(ISSUER, null, SECRET, null)), registry);
        TokenAuthenticator withoutJwt = new TokenAuthenticator(
                new BroadcasterProperties.Auth(List.of(admin), config(null, null, null, null)), new SimpleMeterRegistry());
        String jwt = hs256(SECRET, c -> c.claim("owners", "alice"));

        assertThat(withJwt.authenticate(null, "a.b.c").name()).as("a configured token that looks like a JWT").isEqualTo("admin");
        assertThat(withJwt.authenticate("Bearer " + jwt, null).name()).isEqualTo("jwt:alice");
        assertThatThrownBy(() -> withJwt.authenticate(null, jwt + "x")).hasMessageContaining("invalid JWT");
        assertThatThrownBy(() -> withoutJwt.authenticate(null, jwt)).hasMessage("unknown or revoked token");
        assertThat(registry.get("fleet.broadcaster.auth.failures").counter().count()).isEqualTo(1.0);
    }
}
