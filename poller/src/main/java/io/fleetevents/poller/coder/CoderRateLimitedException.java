package io.fleetevents.poller.coder;

import java.time.Duration;

/** 429: Coder asks to wait {@link #retryAfter()} (from {@code Retry-After} or {@code X-RateLimit-Reset}). */
public final class CoderRateLimitedException extends CoderException {

    private final Duration retryAfter;

    public CoderRateLimitedException(String message, Duration retryAfter) {
        super(message, 429, null);
        this.retryAfter = retryAfter;
    }

    /** How long Coder asked to wait. */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public String reason() {
        return "rate_limited";
    }
}
