package io.fleetevents.broadcaster.auth;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.schemas.AgentPattern;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Turns a presented token into a {@link Caller}. Tokens are configured as SHA-256 hashes only, so the
 * configuration never holds a usable secret; lookup is by hash, so timing does not reveal a prefix of a valid token.
 * When JWTs are configured ({@code fleet.broadcaster.auth.jwt.issuer}), a token that is not a configured one and has a
 * JWT's shape is verified by {@link JwtVerifier}.
 */
public final class TokenAuthenticator {

    private final Map<String, Caller> byHash;
    private final JwtVerifier jwt;
    private final Counter failures;

    public TokenAuthenticator(BroadcasterProperties.Auth auth, MeterRegistry registry) {
        Map<String, Caller> map = new HashMap<>();
        for (int i = 0; i < auth.tokens().size(); i++) {
            BroadcasterProperties.Token token = auth.tokens().get(i);
            String key = "fleet.broadcaster.auth.tokens[" + i + "]";
            List<AgentPattern> patterns;
            try {
                patterns = token.agentPatterns().stream().map(AgentPattern::new).toList();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ".agent-patterns: " + e.getMessage(), e);
            }
            TokenScope scope = new TokenScope(new HashSet<>(token.owners()), new HashSet<>(token.organizations()), patterns);
            if (map.put(token.sha256(), new Caller(token.name(), scope)) != null) {
                throw new IllegalArgumentException(key + ".sha256: the same token is configured twice");
            }
        }
        this.byHash = Map.copyOf(map);
        this.jwt = JwtVerifier.of(auth.jwt());
        this.failures = Counter.builder("fleet.broadcaster.auth.failures")
                .description("Connections and requests refused for a missing or unknown token").register(registry);
    }

    /** Lowercase hex SHA-256 of {@code token}: the form tokens are configured in. */
    public static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Authenticates an {@code Authorization} header value ({@code Bearer <token>}) or a bare token (STOMP passcode).
     *
     * @throws AuthenticationFailedException with a message fit for the client
     */
    public Caller authenticate(String authorization, String passcode) {
        String token = null;
        if (authorization != null && !authorization.isBlank()) {
            String trimmed = authorization.trim();
            if (!trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                failures.increment();
                throw new AuthenticationFailedException("Authorization must be 'Bearer <token>'");
            }
            token = trimmed.substring(7).trim();
        } else if (passcode != null && !passcode.isBlank()) {
            token = passcode.trim();
        }
        if (token == null || token.isEmpty()) {
            failures.increment();
            throw new AuthenticationFailedException(
                    "authentication required: send 'Authorization: Bearer <token>' (STOMP: or passcode:<token>)");
        }
        Caller caller = byHash.get(sha256(token));
        if (caller == null && jwt != null && JwtVerifier.looksLikeJwt(token)) {
            try {
                return jwt.verify(token);
            } catch (AuthenticationFailedException e) {
                failures.increment();
                throw e;
            }
        }
        if (caller == null) {
            failures.increment();
            throw new AuthenticationFailedException("unknown or revoked token");
        }
        return caller;
    }
}
