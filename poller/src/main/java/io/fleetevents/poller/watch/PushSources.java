package io.fleetevents.poller.watch;

import io.fleetevents.poller.cycle.FleetView;

/**
 * The push paths of one poller, started and stopped together: the workspace watches and the build stream (each
 * absent when configured off) and the immediate reads they and the webhook intake share. {@link #afterCycle} is
 * called after every complete cycle: the watched set follows the fleet, and the build stream opens after the first.
 */
public final class PushSources implements AutoCloseable {

    private final WorkspaceWatches watches;
    private final BuildStream buildStream;
    private final ImmediateReads reads;

    /** @param watches null when watches are off; {@code buildStream} null when the build stream is off */
    public PushSources(WorkspaceWatches watches, BuildStream buildStream, ImmediateReads reads) {
        this.watches = watches;
        this.buildStream = buildStream;
        this.reads = reads;
    }

    /** After a complete cycle. */
    public void afterCycle(FleetView view) {
        if (watches != null) {
            watches.reconcile(view);
        }
        if (buildStream != null) {
            buildStream.start();
        }
    }

    /** The immediate reads (build events, webhooks). */
    public ImmediateReads reads() {
        return reads;
    }

    /** Watched workspaces now (0 when off). */
    public int watched() {
        return watches == null ? 0 : watches.watched();
    }

    /** Watches held now (0 when off). */
    public int held() {
        return watches == null ? 0 : watches.held();
    }

    /** Watches fallen back to polling now (0 when off). */
    public int fallenBack() {
        return watches == null ? 0 : watches.fallenBack();
    }

    /** Whether the build stream is open now. */
    public boolean buildStreamOpen() {
        return buildStream != null && buildStream.open();
    }

    @Override
    public void close() {
        if (watches != null) {
            watches.close();
        }
        if (buildStream != null) {
            buildStream.close();
        }
        reads.close();
    }
}
