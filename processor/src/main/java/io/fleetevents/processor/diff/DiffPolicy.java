package io.fleetevents.processor.diff;

import java.time.Duration;

/**
 * The configurable parts of the rulebook, bound from {@code fleet.processor.diff.*}.
 *
 * @param implicitIdleCompletion  a turn that goes {@code working -> idle} with no explicit {@code complete} or
 *                                {@code failure} is a TASK_COMPLETION with {@code metadata.implicit: true}
 *                                (default true)
 * @param disconnectGrace         how long a {@code connected -> disconnected} while the start build runs may take to
 *                                heal before it is an AGENT_FAILURE, counted from Coder's {@code disconnected_at}
 *                                (default 45 s: Coder's 15 s ping window + a ~12 s outage + a 5 s poll, with margin;
 *                                see docs/events.md). Zero reports every such disconnect at the next snapshot or marker.
 */
public record DiffPolicy(Boolean implicitIdleCompletion, Duration disconnectGrace) {

    public static final Duration DEFAULT_DISCONNECT_GRACE = Duration.ofSeconds(45);

    public DiffPolicy {
        implicitIdleCompletion = implicitIdleCompletion == null || implicitIdleCompletion;
        disconnectGrace = disconnectGrace == null ? DEFAULT_DISCONNECT_GRACE : disconnectGrace;
        if (disconnectGrace.isNegative()) {
            throw new IllegalArgumentException("fleet.processor.diff.disconnect-grace must be >= 0, was "
                    + disconnectGrace);
        }
    }

    public static DiffPolicy defaults() {
        return new DiffPolicy(null, null);
    }
}
