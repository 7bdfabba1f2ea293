package io.fleetevents.codersim.fault;

/** What an injected fault makes the simulator answer instead of the real response. */
public enum FaultKind {
    /** HTTP 500 with Coder's error body. */
    SERVER_ERROR,
    /** HTTP 502 with an HTML body, as a proxy in front of Coder answers. */
    BAD_GATEWAY,
    /** HTTP 429 with {@code Retry-After} and {@code X-RateLimit-*} headers and Coder's rate-limit message. */
    RATE_LIMITED,
    /** HTTP 401 with Coder's "invalid API key" body. */
    UNAUTHORIZED,
    /** HTTP 403 with Coder's forbidden body. */
    FORBIDDEN,
    /** HTTP 404 with Coder's not-found body. */
    NOT_FOUND,
    /** HTTP 200 with a body that is not JSON. */
    GARBAGE,
    /** HTTP 200 with the real body cut off in the middle. */
    TRUNCATED,
    /** Headers of a 200 promising a body, then the connection is closed: the client sees it drop mid-response. */
    DISCONNECT
}
