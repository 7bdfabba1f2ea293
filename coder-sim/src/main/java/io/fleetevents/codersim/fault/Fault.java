package io.fleetevents.codersim.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * One injected fault: the next {@code count} Coder API requests that match answer with {@code kind} instead of the
 * real response. A request matches when its path starts with {@code pathPrefix} and its {@code offset} query
 * parameter is at least {@code minOffset} (so {@code minOffset = 1} fails every page but the first). Faults never
 * apply to the control API.
 *
 * @param kind       what to answer
 * @param count      how many matching requests to fail; at least 1
 * @param pathPrefix request path prefix, e.g. {@code /api/v2/workspaces}; {@code /api/} for any
 * @param minOffset  only requests whose {@code offset} is at least this; 0 for any
 * @param retryAfter the {@code Retry-After} of a {@link FaultKind#RATE_LIMITED} answer
 */
public record Fault(FaultKind kind, int count, String pathPrefix, int minOffset, Duration retryAfter) {

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        pathPrefix = pathPrefix == null || pathPrefix.isBlank() ? "/api/" : pathPrefix;
        if (minOffset < 0) {
            throw new IllegalArgumentException("min_offset must be >= 0, was " + minOffset);
        }
        retryAfter = retryAfter == null ? Duration.ofSeconds(60) : retryAfter;
    }

    /** {@code kind} for the next {@code count} API requests of any path. */
    public static Fault of(FaultKind kind, int count) {
        return new Fault(kind, count, "/api/", 0, null);
    }

    /** 429 for the next {@code count} requests, with {@code Retry-After: seconds}. */
    public static Fault rateLimited(int count, Duration retryAfter) {
        return new Fault(FaultKind.RATE_LIMITED, count, "/api/", 0, retryAfter);
    }

    /** Whether it fails every API path ({@code /api/}, from any offset): Coder failing as a whole, streams included. */
    public boolean coderWide() {
        return pathPrefix.equals("/api/") && minOffset == 0;
    }

    /** The same fault, only for paths starting with {@code prefix}. */
    public Fault on(String prefix) {
        return new Fault(kind, count, prefix, minOffset, retryAfter);
    }

    /** The same fault, only for requests with {@code offset >= minOffset} (pages after the first). */
    public Fault fromOffset(int offset) {
        return new Fault(kind, count, pathPrefix, offset, retryAfter);
    }
}
