package io.fleetevents.poller.watch;

import io.fleetevents.poller.coder.CoderStreams;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coder's fleet-wide build stream ({@code /api/experimental/watch-all-workspacebuilds}, behind the
 * {@code workspace-build-updates} experiment): each {@code WorkspaceBuildUpdate} ({@code workspace_id, build_id,
 * transition, job_status, build_number}) triggers an {@link ImmediateReads immediate read} of that workspace, so starts,
 * stops, deletes and failed builds are seen at once even in workspaces nobody watches.
 *
 * <p>A 404 or 403 means the experiment is off (or the endpoint is gone): remembered for {@code probeInterval}, logged
 * once at INFO, then probed again, as the poller does for the Tasks API. Other failures reconnect with backoff.
 */
public final class BuildStream implements CoderStreams.StreamListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BuildStream.class);
    static final String PATH = "/api/experimental/watch-all-workspacebuilds";

    private final CoderStreams streams;
    private final ImmediateReads reads;
    private final Duration probeInterval;
    private final PushListener listener;
    private final JsonMapper json = JsonMapper.builder().build();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("poller-build-stream"));
    private final Reconnects reconnects;
    private boolean started;
    private boolean absent;
    private boolean delivered;
    private volatile boolean closed;

    public BuildStream(CoderStreams streams, ImmediateReads reads, Duration initialBackoff, Duration maxBackoff,
                       Duration probeInterval, PushListener listener) {
        this.streams = streams;
        this.reads = reads;
        this.reconnects = new Reconnects(this, this::connect, initialBackoff, maxBackoff, timer);
        this.probeInterval = probeInterval;
        this.listener = listener;
    }

    /** Opens the stream unless it is open or waiting to reconnect. */
    public synchronized void start() {
        if (!started && !closed) {
            started = true;
            connect();
        }
    }

    /** Whether Coder answered that it has no build stream (experiment off) at the last attempt. */
    public synchronized boolean absent() {
        return absent;
    }

    /** Whether the stream is open now. */
    public synchronized boolean open() {
        return reconnects.open() && delivered;
    }

    private synchronized void connect() {
        if (closed) {
            return;
        }
        delivered = false;
        reconnects.open(() -> streams.open("build-stream", PATH, this));
    }

    @Override
    public void opened() {
        synchronized (this) {
            delivered = true;
            if (absent) {
                absent = false;
                LOG.info("Coder's build stream is available again; builds trigger immediate reads");
            }
            reconnects.succeeded();
        }
    }

    @Override
    public void event(String type, String data) {
        listener.streamEvent("build-stream", type);
        if (!"data".equals(type)) {
            return;
        }
        String workspaceId;
        try {
            JsonNode update = json.readTree(data);
            workspaceId = update.path("workspace_id").asString("");
        } catch (JacksonException e) {
            workspaceId = "";
        }
        if (!workspaceId.matches("[0-9a-fA-F-]{36}")) {
            listener.malformed("build-stream");
            LOG.warn("build stream sent an event without a workspace_id ({} bytes); ignored, the poll covers it",
                    data.length());
            return;
        }
        reads.request(workspaceId, "build-stream");
    }

    @Override
    public void closed(int status, String reason) {
        reconnects.ended(() -> afterEnd(status, reason));
    }

    /** Holding the lock, once per connection: the wait in ms before reconnecting, negative when closed. */
    private long afterEnd(int status, String reason) {
        listener.streamClosed("build-stream", status);
        if (closed) {
            return -1;
        }
        if (status == 404 || status == 403) {
            if (!absent) {
                absent = true;
                LOG.info("Coder has no build stream ({}): the workspace-build-updates experiment is off or the"
                        + " endpoint is gone. Builds are seen by watches and polls; probing again every {}", reason,
                        probeInterval);
            }
            return probeInterval.toMillis();
        }
        // opened() started a new run, so a stream that delivered and ended waits the first step
        reconnects.failed();
        LOG.debug("build stream ended ({}); reconnecting", reason);
        return reconnects.backoffMillis();
    }

    @Override
    public void close() {
        reconnects.cancel(() -> closed = true);
        timer.shutdownNow();
    }
}
