package io.fleetevents.poller.watch;

import io.fleetevents.poller.coder.CoderStreams;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One stream's connection across its reconnections: the current subscription, whether it is open, how many attempts
 * in a row failed, and the next attempt on the stream's timer, after a wait the stream chooses (usually
 * {@link #backoffMillis}). The stream decides what counts as a failure.
 *
 * <p>Its state is guarded by the stream's lock. The stream opens connections and counts failures holding it;
 * {@link #ended} and the cancels take it themselves, and schedule or cancel only outside it, as the HTTP client's
 * threads take that lock in their callbacks.
 */
final class Reconnects {

    private final Object lock;
    private final Runnable connect;
    private final Backoff backoff;
    private final ScheduledExecutorService timer;
    private CoderStreams.Subscription subscription;
    private boolean open;
    private int failures;

    /**
     * @param lock    the stream's lock: the stream connects, and decides to stop, only holding it
     * @param connect opens the next connection, run on {@code timer}
     */
    Reconnects(Object lock, Runnable connect, Duration initialBackoff, Duration maxBackoff,
               ScheduledExecutorService timer) {
        this.lock = lock;
        this.connect = connect;
        this.backoff = new Backoff(initialBackoff, maxBackoff);
        this.timer = timer;
    }

    /** Opens a connection; it counts as open before {@code opener} returns, as its end may be reported by then. */
    void open(Supplier<CoderStreams.Subscription> opener) {
        open = true;
        subscription = opener.get();
    }

    /** Whether a connection is open (or being opened). */
    boolean open() {
        return open;
    }

    /**
     * The open connection ended. Only the first report of an end counts (the stream's own {@code closed} and an end the
     * stream decides, such as an idle check, can race): for it {@code afterEnd} runs holding the stream's lock and
     * returns the wait in ms before the next attempt, negative for none; that attempt is then scheduled outside the
     * lock, unless the timer has been shut down.
     */
    void ended(LongSupplier afterEnd) {
        long delay;
        synchronized (lock) {
            if (!open) {
                return;
            }
            open = false;
            delay = afterEnd.getAsLong();
        }
        if (delay >= 0 && !timer.isShutdown()) {
            timer.schedule(connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** The stream got as far as it should: the next failure is the first of a new run. */
    void succeeded() {
        failures = 0;
    }

    /** One more attempt in a row failed. */
    void failed() {
        failures++;
    }

    /** Attempts failed in a row since the last success. */
    int failures() {
        return failures;
    }

    /** Wait before the next attempt, in ms: the backoff after the failures in a row, at least its first step. */
    long backoffMillis() {
        return backoff.after(Math.max(1, failures)).toMillis();
    }

    /** Runs {@code underLock} holding the stream's lock, then cancels the current connection; see {@link #cancelIf}. */
    void cancel(Runnable underLock) {
        cancelIf(() -> {
            underLock.run();
            return true;
        });
    }

    /**
     * Asks {@code decide} holding the stream's lock; when it answers true, cancels the connection current at that
     * moment, outside the lock. A stream that stops sets its flag in {@code decide}: as it connects only holding the
     * lock and after checking that flag, no connection opens after the one cancelled here. Returns what
     * {@code decide} answered.
     */
    boolean cancelIf(BooleanSupplier decide) {
        CoderStreams.Subscription current;
        synchronized (lock) {
            if (!decide.getAsBoolean()) {
                return false;
            }
            current = subscription;
        }
        if (current != null) {
            current.cancel();
        }
        return true;
    }
}
