package io.fleetevents.broadcaster.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.schemas.AgentPattern;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Verifies JSON Web Tokens with Spring Security's {@link NimbusJwtDecoder} (signature, then the validators: issuer,
 * {@code exp} present and not passed, {@code nbf}, audience) and turns their claims into a {@link Caller}. Claims
 * are read from the verified token only. Messages say what is wrong without echoing the token.
 */
public final class JwtVerifier {

    private static final String KEY = "fleet.broadcaster.auth.jwt.";
    private static final int KEY_SET_TIMEOUT_MILLIS = 2_000;
    private static final int KEY_SET_SIZE_LIMIT = 512 * 1024;

    private final JwtDecoder decoder;
    private final BroadcasterProperties.Jwt config;

    private JwtVerifier(JwtDecoder decoder, BroadcasterProperties.Jwt config) {
        this.decoder = decoder;
        this.config = config;
    }

    /**
     * The verifier for {@code config}, or null when JWTs are off (no issuer).
     *
     * @throws IllegalArgumentException naming the key when the configuration cannot work
     */
    public static JwtVerifier of(BroadcasterProperties.Jwt config) {
        boolean hasKeys = config.jwkSetUri() != null;
        boolean hasSecret = config.secret() != null && !config.secret().isEmpty();
        if (!config.enabled()) {
            if (hasKeys || hasSecret || config.audience() != null) {
                throw new IllegalArgumentException(KEY + "issuer: required when " + KEY + "jwk-set-uri, secret or audience is set"
                        + " (the iss every accepted JWT must carry)");
            }
            return null;
        }
        if (hasKeys == hasSecret) {
            throw new IllegalArgumentException(KEY + "jwk-set-uri / " + KEY + "secret: set exactly one "
                    + "(the issuer's public keys, or a shared HS256 secret)");
        }
        NimbusJwtDecoder decoder;
        if (hasSecret) {
            byte[] secret = config.secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < 32) {
                throw new IllegalArgumentException(KEY + "secret: must be at least 32 bytes for HS256 (it has "
                        + secret.length + ")");
            }
            decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256).build();
        } else {
            String scheme = config.jwkSetUri().getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException(KEY + "jwk-set-uri: must be an http(s) URL, was '" + config.jwkSetUri() + "'");
            }
            decoder = new NimbusJwtDecoder(keySetProcessor(config.jwkSetUri()));
        }
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator(config.clockSkew()));
        validators.add(new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull));
        validators.add(new JwtIssuerValidator(config.issuer()));
        if (config.audience() != null && !config.audience().isBlank()) {
            validators.add(new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.contains(config.audience())));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return new JwtVerifier(decoder, config);
    }

    /**
     * Verifies signatures with the issuer's key set, fetched with bounded timeouts (a CONNECT waits at most
     * {@value #KEY_SET_TIMEOUT_MILLIS} ms per attempt for a slow issuer, never indefinitely) and cached by Nimbus
     * (refreshed ahead of expiry, re-fetched at most at its rate limit when an unknown key id appears). Accepts
     * {@code typ} {@code JWT}, {@code at+jwt} (RFC 9068 access tokens) or none; the claims are left to the
     * validators.
     */
    private static JWTProcessor<SecurityContext> keySetProcessor(URI jwkSetUri) {
        URL url;
        try {
            url = jwkSetUri.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + "jwk-set-uri: not a URL: " + e.getMessage(), e);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(url,
                new DefaultResourceRetriever(KEY_SET_TIMEOUT_MILLIS, KEY_SET_TIMEOUT_MILLIS, KEY_SET_SIZE_LIMIT)).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
                JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
                JWSAlgorithm.ES384, JWSAlgorithm.ES512), keys));
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWTClaimsSetVerifier((claims, context) -> { }); // Spring's validators decide on the claims
        return processor;
    }

    /** Whether {@code token} has the shape of a JWS compact serialization (three dot-separated parts). */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0;
    }

    /**
     * The caller a valid JWT stands for.
     *
     * @throws AuthenticationFailedException saying what is wrong (expired, wrong issuer, bad signature, bad claims)
     */
    public Caller verify(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (BadJwtException e) {
            throw new AuthenticationFailedException("invalid JWT: " + e.getMessage());
        } catch (JwtException e) {
            // e.g. the issuer's key set could not be fetched: not the client's fault, but it cannot get in
            throw new AuthenticationFailedException("JWT could not be verified: " + e.getMessage());
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw new AuthenticationFailedException("invalid JWT: the sub claim is required");
        }
        List<String> owners = strings(jwt, config.ownersClaim());
        List<String> organizations = strings(jwt, config.organizationsClaim());
        List<AgentPattern> patterns = new ArrayList<>();
        for (String pattern : strings(jwt, config.agentPatternsClaim())) {
            try {
                patterns.add(new AgentPattern(pattern));
            } catch (IllegalArgumentException e) {
                throw new AuthenticationFailedException("invalid JWT: claim " + config.agentPatternsClaim() + ": " + e.getMessage());
            }
        }
        // honoured as long as the verifier would still accept it: a reconnect with the same token is then refused
        return new Caller("jwt:" + subject, new TokenScope(new HashSet<>(owners), new HashSet<>(organizations), patterns),
                jwt.getExpiresAt().plus(config.clockSkew()));
    }

    /** A claim that is a string or a list of strings; absent = empty. */
    private static List<String> strings(Jwt jwt, String claim) {
        Object value = jwt.getClaims().get(claim);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text);
        }
        if (value instanceof Collection<?> items && items.stream().allMatch(item -> item instanceof String)) {
            return items.stream().map(String.class::cast).toList();
        }
        throw new AuthenticationFailedException("invalid JWT: claim " + claim + " must be a string or a list of strings");
    }
}
