package io.fleetevents.poller.watch;

import io.fleetevents.poller.coder.CoderStreams;
import io.fleetevents.poller.cycle.FleetView;
import io.fleetevents.poller.cycle.SnapshotOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE watch ({@code GET /api/v2/workspaces/{id}/watch}) per chosen workspace. After every complete cycle the
 * choice is made again from the cycle's {@link FleetView}: workspaces with an AI task or an agent app with statuses
 * first, then the others, up to {@code maxWatched}; watches of workspaces no longer chosen are closed.
 *
 * <p>Coder sends a ping, then the whole workspace at once and on every change. Each {@code data} event is given its
 * view id when it arrives and goes to the {@link PushQueue}; the first one of a connection marks the watch held in
 * {@link SnapshotOrder} (from then on every change reaches it). A watch that ends, fails to open, or stays silent
 * longer than {@code idleTimeout} (Coder pings every 15 s) is no longer held and reconnects after a {@link Backoff}.
 * After {@code failuresBeforeFallback} reopenings in a row that fail before a view it is logged once at INFO and
 * counted as
 * fallen back: its workspace is simply polled, and the watch keeps retrying at the backoff's pace. No error is logged
 * for any of this: a watch is an accelerator, the poll is the truth. Opens and reopens share a {@link RequestPacer}
 * with the immediate reads, so a thousand watches (re)opening after a coderd restart stay within Coder's rate limit.
 */
public final class WorkspaceWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceWatches.class);

    /**
     * @param maxWatched             most workspaces watched at once (0: none)
     * @param initialBackoff         first reconnect wait
     * @param maxBackoff             cap of the reconnect wait
     * @param idleTimeout            a stream silent this long (no ping, no event) is taken as dead
     * @param failuresBeforeFallback consecutive failures after which a watch is reported as fallen back
     * @param openSpread             new watches open at random points within this time, not all at once
     * @param notFoundRetry          wait after a 404/410 (the workspace is gone, or this Coder has no SSE watch)
     */
    public record Settings(int maxWatched, Duration initialBackoff, Duration maxBackoff, Duration idleTimeout,
                           int failuresBeforeFallback, Duration openSpread, Duration notFoundRetry) {
    }

    private final CoderStreams streams;
    private final PushQueue queue;
    private final LongSupplier viewIds;
    private final SnapshotOrder order;
    private final Clock clock;
    private final Settings settings;
    private final PushListener listener;
    private final RequestPacer pacer;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean notFoundLogged = new java.util.concurrent.atomic.AtomicBoolean();

    public WorkspaceWatches(CoderStreams streams, PushSink sink, LongSupplier viewIds, SnapshotOrder order, Clock clock,
                            Settings settings, RequestPacer pacer, PushListener listener) {
        this.pacer = pacer;
        this.streams = streams;
        this.queue = new PushQueue(sink, listener);
        this.viewIds = viewIds;
        this.order = order;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.timers = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("poller-watch-timers"));
        long check = Math.max(100, settings.idleTimeout().toMillis() / 3);
        timers.scheduleWithFixedDelay(this::closeIdle, check, check, TimeUnit.MILLISECONDS);
    }

    /** Chooses the watched workspaces from the last complete cycle's view; opens and closes watches to match. */
    public synchronized void reconcile(FleetView view) {
        if (closed) {
            return;
        }
        Set<String> wanted = new HashSet<>();
        for (String id : view.watchOrder()) {
            if (wanted.size() >= settings.maxWatched()) {
                break;
            }
            wanted.add(id);
        }
        for (Watch watch : List.copyOf(watches.values())) {
            if (!wanted.contains(watch.workspaceId)) {
                watch.stop();
                watches.remove(watch.workspaceId);
            }
        }
        long spread = settings.openSpread().toMillis();
        for (String id : wanted) {
            if (!watches.containsKey(id)) {
                Watch watch = new Watch(id);
                watches.put(id, watch);
                long delay = spread <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread + 1);
                timers.schedule(watch::connect, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Watches wanted now (open, opening or waiting to reconnect). */
    public int watched() {
        return watches.size();
    }

    /** Watches held now: open, and their first view arrived. */
    public int held() {
        int held = 0;
        for (Watch watch : watches.values()) {
            if (watch.held) {
                held++;
            }
        }
        return held;
    }

    /** Watches fallen back to polling now. */
    public int fallenBack() {
        int count = 0;
        for (Watch watch : watches.values()) {
            if (watch.fallenBack) {
                count++;
            }
        }
        return count;
    }

    private void closeIdle() {
        long now = System.nanoTime();
        long limit = settings.idleTimeout().toNanos();
        for (Watch watch : watches.values()) {
            watch.closeIfIdle(now, limit);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Watch watch : new ArrayList<>(watches.values())) {
            watch.stop();
        }
        watches.clear();
        timers.shutdownNow();
        queue.close();
    }

    /** One workspace's watch, across its reconnections. */
    private final class Watch implements CoderStreams.StreamListener {
        final String workspaceId;
        private final Reconnects reconnects = new Reconnects(this, this::connect, settings.initialBackoff(),
                settings.maxBackoff(), timers);
        private volatile boolean stopped;
        volatile boolean held;
        volatile boolean fallenBack;
        private volatile long lastActivity = System.nanoTime();
        private boolean malformedLogged;

        Watch(String workspaceId) {
            this.workspaceId = workspaceId;
        }

        void connect() {
            if (stopped || closed) {
                return;
            }
            long wait = pacer.reserve();
            if (wait > 0 && !timers.isShutdown()) {
                timers.schedule(this::open, wait, TimeUnit.NANOSECONDS);
            } else {
                open();
            }
        }

        private synchronized void open() {
            if (stopped || closed) {
                return;
            }
            held = false;
            lastActivity = System.nanoTime();
            reconnects.open(() -> streams.open("watch", "/api/v2/workspaces/" + workspaceId + "/watch", this));
        }

        @Override
        public void opened() {
            lastActivity = System.nanoTime();
        }

        @Override
        public void event(String type, String data) {
            lastActivity = System.nanoTime();
            listener.streamEvent("watch", type);
            if ("data".equals(type)) {
                long viewId = viewIds.getAsLong();
                Instant at = clock.instant();
                if (!held) {
                    onHeld(at);
                }
                queue.submit(workspaceId, data, viewId, at, this::malformed);
            } else if ("error".equals(type)) {
                // Coder could not fetch the workspace (deleted, database trouble): the poll says what became of it
                LOG.debug("watch of workspace {}: Coder sent an error event: {}", workspaceId, data);
            }
        }

        private synchronized void onHeld(Instant at) {
            held = true;
            reconnects.succeeded();
            order.watchHeld(workspaceId, at);
            if (fallenBack) {
                fallenBack = false;
                listener.recovered("watch");
                LOG.info("watch of workspace {} held again", workspaceId);
            }
        }

        private void malformed(String id, String problem) {
            reconnects.cancel(() -> {
                if (!malformedLogged) {
                    malformedLogged = true;
                    LOG.warn("watch of workspace {} sent a frame that is not its workspace ({}); frame dropped, the"
                            + " watch reconnects and the poll covers the workspace", id, problem);
                }
            });
            closed(0, "a malformed frame");
        }

        @Override
        public void closed(int status, String reason) {
            reconnects.ended(() -> afterEnd(status, reason));
        }

        /** Holding the lock, once per connection: the wait in ms before reconnecting, negative when stopped. */
        private long afterEnd(int status, String reason) {
            boolean wasHeld = held;
            held = false;
            order.watchLost(workspaceId);
            listener.streamClosed("watch", status);
            if (stopped || closed) {
                return -1;
            }
            if (status == 404 || status == 410) {
                // the workspace is gone (the next cycle's reconcile drops its watch) or this Coder has no SSE
                // watch: either way not worth a request per backoff
                LOG.debug("watch of workspace {}: {}; retried in {}", workspaceId, reason,
                        settings.notFoundRetry());
                if (!fallenBack) {
                    fallenBack = true;
                    listener.fellBack("watch");
                    if (notFoundLogged.compareAndSet(false, true)) {
                        LOG.info("Coder answered {} to the watch of workspace {} ({}): the workspace is gone or"
                                + " this Coder has no SSE watch; such watches are retried every {} (logged once)",
                                status, workspaceId, reason, settings.notFoundRetry());
                    }
                }
                return settings.notFoundRetry().toMillis();
            }
            // a held watch that ends is no failure (Coder restarted, a proxy timed out): reopen soon; failures
            // are reopenings that do not get as far as a view
            if (wasHeld) {
                reconnects.succeeded();
            } else {
                reconnects.failed();
            }
            if (reconnects.failures() >= settings.failuresBeforeFallback() && !fallenBack) {
                fallenBack = true;
                listener.fellBack("watch");
                LOG.info("watch of workspace {} cannot be held ({}); its changes are seen by polling until it"
                        + " can, retried with backoff up to {}", workspaceId, reason, settings.maxBackoff());
            } else {
                LOG.debug("watch of workspace {} ended ({}); reconnecting", workspaceId, reason);
            }
            return reconnects.backoffMillis();
        }

        void closeIfIdle(long now, long limit) {
            if (reconnects.cancelIf(() -> reconnects.open() && now - lastActivity >= limit)) {
                closed(0, "no ping for " + settings.idleTimeout().toSeconds() + " s");
            }
        }

        void stop() {
            reconnects.cancel(() -> stopped = true);
            order.watchLost(workspaceId);
            held = false;
        }
    }
}
