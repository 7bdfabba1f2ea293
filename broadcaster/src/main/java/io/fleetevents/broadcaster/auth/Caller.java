package io.fleetevents.broadcaster.auth;

import java.time.Instant;

/**
 * An authenticated client.
 *
 * @param name      the token's configured name, or {@code jwt:<sub>} (never the secret)
 * @param scope     what it may see
 * @param expiresAt when its credential expires (a JWT's {@code exp}); null for configured tokens. Long-lived
 *                  connections are ended then, with the resume tokens to continue under a fresh credential
 */
public record Caller(String name, TokenScope scope, Instant expiresAt) {

    /** A caller whose credential does not expire. */
    public Caller(String name, TokenScope scope) {
        this(name, scope, null);
    }

    /** Whether the credential has expired at {@code nowMillis}. */
    public boolean expiredAt(long nowMillis) {
        return expiresAt != null && nowMillis >= expiresAt.toEpochMilli();
    }
}
