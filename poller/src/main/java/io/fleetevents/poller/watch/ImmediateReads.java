package io.fleetevents.poller.watch;

import io.fleetevents.poller.coder.CoderClient;
import io.fleetevents.poller.coder.CoderException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads one workspace at once ({@code GET /api/v2/workspaces/{id}}) when a build event or a notification says it
 * changed, and writes it like any pushed view. One thread; a workspace already waiting for its read is not queued
 * twice (a request that arrives while its read runs queues one more, as that read may predate the news); at most
 * {@code maxPending} workspaces wait, beyond that requests are dropped and counted: the poll covers them. Reads are
 * paced by the {@link RequestPacer} the watches share. A failed read
 * is logged at INFO once per run of failures and left to the poll.
 */
public final class ImmediateReads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImmediateReads.class);

    private final CoderClient coder;
    private final PushSink sink;
    private final LongSupplier viewIds;
    private final Clock clock;
    private final Duration timeout;
    private final int maxPending;
    private final PushListener listener;
    private final RequestPacer pacer;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final AtomicLong reads = new AtomicLong();
    private boolean failing;
    private final WorkerThread thread = new WorkerThread("poller-immediate-reads");

    public ImmediateReads(CoderClient coder, PushSink sink, LongSupplier viewIds, Clock clock, Duration timeout,
                          int maxPending, RequestPacer pacer, PushListener listener) {
        this.pacer = pacer;
        this.coder = coder;
        this.sink = sink;
        this.viewIds = viewIds;
        this.clock = clock;
        this.timeout = timeout;
        this.maxPending = maxPending;
        this.listener = listener;
    }

    /** Asks for a read of {@code workspaceId} because of {@code source}; false when it was dropped. */
    public boolean request(String workspaceId, String source) {
        if (pending.contains(workspaceId)) {
            return true;
        }
        if (pending.size() >= maxPending) {
            listener.readDropped(source);
            return false;
        }
        if (pending.add(workspaceId)) {
            try {
                thread.execute(() -> read(workspaceId, source));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pending.remove(workspaceId);
                return false;
            }
        }
        return true;
    }

    /** Reads done so far (successful or not). */
    public long reads() {
        return reads.get();
    }

    private void read(String workspaceId, String source) {
        long wait = pacer.reserve();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        pending.remove(workspaceId);
        reads.incrementAndGet();
        Optional<ObjectNode> workspace;
        try {
            workspace = coder.workspace(workspaceId, clock.instant().plus(timeout));
        } catch (CoderException e) {
            listener.read(source, false);
            if (!failing) {
                failing = true;
                LOG.info("immediate read of workspace {} failed ({}); the poll covers it (further failures are not"
                        + " logged until a read succeeds)", workspaceId, e.getMessage());
            }
            return;
        }
        failing = false;
        listener.read(source, true);
        if (workspace.isEmpty()) {
            // deleted or unknown: the cycle's departures explain it
            return;
        }
        try {
            listener.pushed(source, sink.write(workspace.get(), viewIds.getAsLong(), clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("workspace {} read after a {} event could not be written: {}", workspaceId, source, e.toString());
        }
    }

    @Override
    public void close() {
        thread.close();
    }
}
