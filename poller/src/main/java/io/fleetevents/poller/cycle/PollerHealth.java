package io.fleetevents.poller.cycle;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** The poller's health state, updated after every cycle; read by the actuator health indicator. */
public final class PollerHealth {

    /**
     * The state.
     *
     * @param lastSuccessAt       end of the last complete cycle, null before the first
     * @param lastPollId          poll id of the last complete cycle, -1 before the first
     * @param consecutiveFailures failed cycles since the last complete one
     * @param lastReason          reason label of the last failure, null when the last cycle was complete
     * @param lastError           message of the last failure, null when the last cycle was complete
     * @param cycles              cycles run
     */
    public record State(Instant lastSuccessAt, long lastPollId, int consecutiveFailures, String lastReason,
                        String lastError, long cycles) {

        /** Whether the last cycle failed on 401/403. */
        public boolean authFailed() {
            return "auth".equals(lastReason);
        }
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State(null, -1, 0, null, null, 0));

    /** Records a cycle's outcome. */
    public void record(CycleOutcome outcome, Instant now) {
        state.updateAndGet(s -> outcome.complete()
                ? new State(now, outcome.pollId(), 0, null, null, s.cycles() + 1)
                : new State(s.lastSuccessAt(), s.lastPollId(), s.consecutiveFailures() + 1, outcome.reason(),
                        outcome.error(), s.cycles() + 1));
    }

    /** The current state. */
    public State current() {
        return state.get();
    }
}
