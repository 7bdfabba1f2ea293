package io.fleetevents.broadcaster.auth;

/**
 * An authenticated client.
 *
 * @param name  the token's configured name (never the secret)
 * @param scope what it may see
 */
public record Caller(String name, TokenScope scope) {
}
