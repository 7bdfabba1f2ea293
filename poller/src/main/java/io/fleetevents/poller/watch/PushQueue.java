package io.fleetevents.poller.watch;

import io.fleetevents.poller.coder.CoderJsonParser;
import io.fleetevents.poller.coder.CoderProtocolException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and writes watch events on one thread, off the HTTP client's threads. Per workspace only the newest pending
 * event is kept: a watch event is the whole workspace, so a newer one supersedes an older one not yet written (Coder's
 * app status history is in both, so no task end is lost by skipping a view).
 */
final class PushQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PushQueue.class);

    private record Pending(String json, long viewId, Instant observedAt, BiConsumer<String, String> malformed) {
    }

    private final CoderJsonParser parser = CoderJsonParser.create();
    private final PushSink sink;
    private final PushListener listener;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final WorkerThread thread = new WorkerThread("poller-push");

    PushQueue(PushSink sink, PushListener listener) {
        this.sink = sink;
        this.listener = listener;
    }

    /**
     * Queues a watch event of {@code workspaceId}; {@code malformed} is told (workspace id, problem) when it is not a
     * workspace.
     */
    void submit(String workspaceId, String json, long viewId, Instant observedAt,
                BiConsumer<String, String> malformed) {
        if (pending.put(workspaceId, new Pending(json, viewId, observedAt, malformed)) == null) {
            thread.execute(() -> process(workspaceId));
        }
    }

    private void process(String workspaceId) {
        Pending next = pending.remove(workspaceId);
        if (next == null) {
            return;
        }
        ObjectNode workspace;
        try {
            workspace = parser.object(new ByteArrayInputStream(next.json().getBytes(StandardCharsets.UTF_8)));
        } catch (io.fleetevents.poller.coder.CoderException e) {
            listener.malformed("watch");
            next.malformed().accept(workspaceId, e.getMessage());
            return;
        }
        String id = workspace.path("id").asString("");
        if (!workspaceId.equals(id)) {
            listener.malformed("watch");
            next.malformed().accept(workspaceId, "the event's workspace id is '" + id + "'");
            return;
        }
        try {
            listener.pushed("watch", sink.write(workspace, next.viewId(), next.observedAt()));
        } catch (CoderProtocolException e) {
            listener.malformed("watch");
            next.malformed().accept(workspaceId, e.getMessage());
        } catch (RuntimeException e) {
            // the poll covers the workspace; one bad view must not stop the thread
            LOG.warn("pushed view of workspace {} could not be written: {}", workspaceId, e.toString());
        }
    }

    @Override
    public void close() {
        thread.close();
    }
}
