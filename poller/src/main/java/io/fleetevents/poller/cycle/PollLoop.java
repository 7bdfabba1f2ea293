package io.fleetevents.poller.cycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs poll cycles one at a time on one thread. Cycles never overlap (one thread, and {@link #pollOnce()} takes the
 * same lock); the next cycle starts one interval after the previous one started, or at once when it ran longer, so a
 * slow Coder delays polling instead of piling it up.
 *
 * <p>After a failure the loop backs off: transient failures double the wait per consecutive failure up to a cap; a
 * 429 waits at least Coder's {@code Retry-After} and doubles the interval (up to a cap) which then halves back after
 * each complete cycle; 401/403 waits the auth retry interval and logs an error each time.
 */
public final class PollLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    /**
     * @param interval           target time between cycle starts
     * @param maxFailureBackoff  cap of the wait after consecutive transient failures
     * @param authRetryInterval  wait after a 401/403
     * @param maxSlowdown        cap of the interval multiplier after 429s
     */
    public record Settings(Duration interval, Duration maxFailureBackoff, Duration authRetryInterval, int maxSlowdown) {
    }

    /** Told of every cycle's outcome (the metrics). */
    @FunctionalInterface
    public interface Listener {
        void cycle(CycleOutcome outcome, Instant now);
    }

    private final PollCycle cycle;
    private final Settings settings;
    private final PollIds pollIds;
    private final PollerHealth health;
    private final Listener metrics;
    private final Clock clock;
    private final ReentrantLock cycleLock = new ReentrantLock();
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition wake = waitLock.newCondition();
    private volatile boolean running;
    private Thread thread;
    private int slowdown = 1;
    private boolean previousComplete;

    public PollLoop(PollCycle cycle, Settings settings, PollIds pollIds, PollerHealth health, Listener metrics,
                    Clock clock) {
        this.cycle = cycle;
        this.settings = settings;
        this.pollIds = pollIds;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Starts the loop thread (the first cycle runs at once). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "poller-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the loop thread runs. */
    public boolean running() {
        return running;
    }

    /** Runs one cycle now, waiting for a running one to finish first. */
    public CycleOutcome pollOnce() {
        cycleLock.lock();
        try {
            CycleOutcome outcome = cycle.run(pollIds.next());
            Instant now = clock.instant();
            health.record(outcome, now);
            metrics.cycle(outcome, now);
            log(outcome);
            return outcome;
        } finally {
            cycleLock.unlock();
        }
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            CycleOutcome outcome;
            try {
                outcome = pollOnce();
            } catch (RuntimeException e) {
                LOG.error("poll loop: unexpected failure; continuing", e);
                outcome = new CycleOutcome(-1, false, Duration.ofNanos(System.nanoTime() - started), 0, 0, 0, 0, 0,
                        0, 0, "internal", e.toString(), Duration.ZERO);
            }
            Duration wait = delayAfter(outcome, health.current().consecutiveFailures());
            pause(wait);
        }
    }

    /** How long to wait after a cycle before starting the next. */
    synchronized Duration delayAfter(CycleOutcome outcome, int consecutiveFailures) {
        if (outcome.complete()) {
            slowdown = Math.max(1, slowdown / 2);
            Duration left = settings.interval().multipliedBy(slowdown).minus(outcome.elapsed());
            return left.isNegative() ? Duration.ZERO : left;
        }
        if ("rate_limited".equals(outcome.reason())) {
            slowdown = Math.min(settings.maxSlowdown(), slowdown * 2);
            Duration slowed = settings.interval().multipliedBy(slowdown);
            return outcome.retryAfter().compareTo(slowed) > 0 ? outcome.retryAfter() : slowed;
        }
        if ("auth".equals(outcome.reason())) {
            return settings.authRetryInterval();
        }
        int doublings = Math.min(20, Math.max(0, consecutiveFailures - 1));
        Duration backoff = settings.interval().multipliedBy(1L << doublings);
        return backoff.compareTo(settings.maxFailureBackoff()) > 0 ? settings.maxFailureBackoff() : backoff;
    }

    private void pause(Duration wait) {
        waitLock.lock();
        try {
            long nanos = wait.toNanos();
            while (running && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            waitLock.unlock();
        }
    }

    private void log(CycleOutcome o) {
        boolean wasComplete = previousComplete;
        previousComplete = o.complete();
        if (o.complete()) {
            if (!wasComplete) {
                LOG.info("poll {} complete: {} workspaces, {} agents, {} snapshots written, {} unchanged, {} markers"
                                + " in {} ms", o.pollId(), o.workspaces(), o.agents(), o.snapshots(), o.skipped(),
                        o.markers(), o.elapsed().toMillis());
            } else {
                LOG.debug("poll {} complete: {} workspaces, {} agents, {} snapshots written, {} unchanged in {} ms",
                        o.pollId(), o.workspaces(), o.agents(), o.snapshots(), o.skipped(), o.elapsed().toMillis());
            }
        } else if ("auth".equals(o.reason())) {
            LOG.error("poll {} REJECTED BY CODER: {}. Polling paused for {}; health is DOWN.", o.pollId(), o.error(),
                    settings.authRetryInterval());
        } else {
            LOG.warn("poll {} failed ({}), no cycle marker written: {}", o.pollId(), o.reason(), o.error());
        }
    }

    @Override
    public void close() {
        running = false;
        waitLock.lock();
        try {
            wake.signalAll();
        } finally {
            waitLock.unlock();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                // let a running cycle finish briefly (its records are harmless without a marker), then interrupt it
                t.join(Duration.ofSeconds(5).toMillis());
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(Duration.ofSeconds(10).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
