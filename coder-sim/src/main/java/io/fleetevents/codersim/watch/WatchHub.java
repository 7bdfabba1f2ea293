package io.fleetevents.codersim.watch;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The open watch streams and what they are sent. Coder sends a workspace's watch the whole workspace whenever its
 * pubsub channel says something about it; here a change is noticed two ways: at once when a scripted operation names
 * the workspace ({@link #touched}), and by a sweep that renders every watched workspace and compares it, apart from
 * fields that tick by themselves, with what its streams were last sent (changes the simulator derives from time, such
 * as a killed agent's pings running out, or AgentAPI's {@code idle} after a turn). Both send only a workspace that
 * changed.
 *
 * <p>Framing as Coder's {@code ServerSentEventSender}: {@code event: ping\n\n} first and every ping interval;
 * {@code event: data\ndata: <json>\n\n} per change; {@code event: error\ndata: {"message","detail"}\n\n} when the
 * workspace cannot be fetched (deleted). The exchange is kept open after the handler returns and written by the hub's
 * own thread, so a thousand watches hold no HTTP worker thread.
 */
public final class WatchHub implements AutoCloseable {

    /** What the hub renders. */
    public interface Source {
        /** The workspace's JSON, or null when it is deleted or unknown. */
        byte[] workspace(UUID id);

        /** The workspace's latest build as a {@code WorkspaceBuildUpdate}, or null. */
        byte[] buildUpdate(UUID id);

        /** Every live workspace. */
        List<UUID> workspaceIds();
    }

    private static final byte[] PING = "event: ping\n\n".getBytes(StandardCharsets.UTF_8);
    /** Fields the simulator moves with time alone: a watch is not sent a workspace for them. */
    private static final Pattern TICKING = Pattern.compile(
            "\"(updated_at|last_connected_at|last_used_at|latency_ms|deadline)\":(\"[^\"]*\"|[-0-9.eE]+|null)");

    private final Source source;
    private final Map<UUID, Set<Stream>> watches = new ConcurrentHashMap<>();
    private final Set<Stream> buildStreams = new CopyOnWriteArraySet<>();
    private final Set<UUID> dirty = ConcurrentHashMap.newKeySet();
    private final Set<UUID> buildsDirty = ConcurrentHashMap.newKeySet();
    /** The last build update seen per workspace while build streams are open (touched by the hub thread only). */
    private final Map<UUID, byte[]> lastBuilds = new java.util.HashMap<>();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService thread;
    private volatile ScheduledFuture<?> pings;
    private volatile ScheduledFuture<?> sweep;

    public WatchHub(Source source, String threadName) {
        this.source = source;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        pingInterval(Duration.ofSeconds(15));
        sweepInterval(Duration.ofSeconds(1));
    }

    /** How often every stream gets a ping (Coder: 15 s). */
    public synchronized void pingInterval(Duration interval) {
        if (pings != null) {
            pings.cancel(false);
        }
        long millis = Math.max(1, interval.toMillis());
        pings = thread.scheduleWithFixedDelay(this::pingAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** How often watched workspaces are rendered and compared for changes no operation announced (default 1 s). */
    public synchronized void sweepInterval(Duration interval) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        long millis = Math.max(1, interval.toMillis());
        sweep = thread.scheduleWithFixedDelay(() -> {
            dirty.addAll(watches.keySet());
            if (!buildStreams.isEmpty()) {
                buildsDirty.addAll(source.workspaceIds());
            }
            flush();
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes over {@code exchange} as a watch of {@code workspace}: answers 200 {@code text/event-stream}, then a ping
     * and the workspace as it is now (Coder sends the current workspace on connect, so a reconnecting client misses
     * nothing).
     */
    public void openWorkspaceWatch(HttpExchange exchange, UUID workspace) throws IOException {
        Stream stream = open(exchange, workspace);
        watches.computeIfAbsent(workspace, id -> new CopyOnWriteArraySet<>()).add(stream);
        thread.execute(() -> {
            if (stream.write(PING)) {
                sendWorkspace(stream, source.workspace(workspace));
            }
        });
    }

    /** Takes over {@code exchange} as a build stream: a ping, then one {@code data} event per build change. */
    public void openBuildStream(HttpExchange exchange) throws IOException {
        Stream stream = open(exchange, null);
        thread.execute(() -> {
            if (buildStreams.isEmpty()) {
                // what is now is no news: only later changes are sent
                lastBuilds.clear();
                for (UUID id : source.workspaceIds()) {
                    lastBuilds.put(id, source.buildUpdate(id));
                }
            }
            buildStreams.add(stream);
            stream.write(PING);
        });
    }

    private Stream open(HttpExchange exchange, UUID workspace) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        opened.incrementAndGet();
        return new Stream(exchange, exchange.getResponseBody(), workspace);
    }

    /** Something about this workspace changed: its watches are sent it if it differs from what they last got. */
    public void touched(UUID workspace) {
        if (watches.containsKey(workspace)) {
            dirty.add(workspace);
            scheduleFlush();
        }
    }

    /** Something changed in many workspaces (random activity): every watched workspace is compared. */
    public void touchedAll() {
        dirty.addAll(watches.keySet());
        scheduleFlush();
    }

    /** The workspace's build changed: build streams get its {@code WorkspaceBuildUpdate}, its watches the workspace. */
    public void buildChanged(UUID workspace) {
        touched(workspace);
        if (!buildStreams.isEmpty()) {
            buildsDirty.add(workspace);
            scheduleFlush();
        }
    }

    /** Ends every open stream, as a coderd restart or a proxy timeout would; returns how many were open. */
    public int dropAll() {
        int count = 0;
        for (Set<Stream> streams : watches.values()) {
            for (Stream stream : streams) {
                stream.close();
                count++;
            }
        }
        watches.clear();
        for (Stream stream : buildStreams) {
            stream.close();
            count++;
        }
        buildStreams.clear();
        dropped.addAndGet(count);
        return count;
    }

    /** Open workspace watches. */
    public int openWatches() {
        return watches.values().stream().mapToInt(Set::size).sum();
    }

    /** Open build streams. */
    public int openBuildStreams() {
        return buildStreams.size();
    }

    /** Streams opened since start. */
    public long streamsOpened() {
        return opened.get();
    }

    private void scheduleFlush() {
        if (flushQueued.compareAndSet(false, true)) {
            thread.execute(() -> {
                flushQueued.set(false);
                flush();
            });
        }
    }

    private void flush() {
        for (UUID id : List.copyOf(buildsDirty)) {
            buildsDirty.remove(id);
            byte[] update = source.buildUpdate(id);
            byte[] last = lastBuilds.put(id, update);
            if (update == null || Arrays.equals(update, last) || buildStreams.isEmpty()) {
                continue;
            }
            byte[] event = event("data", update);
            for (Stream stream : buildStreams) {
                if (!stream.write(event)) {
                    buildStreams.remove(stream);
                }
            }
        }
        for (UUID id : List.copyOf(dirty)) {
            dirty.remove(id);
            Set<Stream> streams = watches.get(id);
            if (streams == null || streams.isEmpty()) {
                continue;
            }
            byte[] json = source.workspace(id);
            for (Stream stream : streams) {
                sendWorkspace(stream, json);
            }
        }
    }

    private void sendWorkspace(Stream stream, byte[] json) {
        boolean ok;
        if (json == null) {
            if (stream.lastDigest == 0) {
                return;
            }
            stream.lastDigest = 0;
            ok = stream.write(event("error", ("{\"message\":\"Internal error fetching workspace.\",\"detail\":"
                    + "\"sql: no rows in result set\"}").getBytes(StandardCharsets.UTF_8)));
        } else {
            long digest = digest(json);
            if (digest == stream.lastDigest) {
                return;
            }
            stream.lastDigest = digest;
            ok = stream.write(event("data", json));
        }
        if (!ok) {
            unregister(stream);
        }
    }

    private void pingAll() {
        for (Set<Stream> streams : watches.values()) {
            for (Stream stream : streams) {
                if (!stream.write(PING)) {
                    unregister(stream);
                }
            }
        }
        for (Stream stream : buildStreams) {
            if (!stream.write(PING)) {
                buildStreams.remove(stream);
            }
        }
    }

    private void unregister(Stream stream) {
        if (stream.workspace == null) {
            buildStreams.remove(stream);
            return;
        }
        Set<Stream> streams = watches.get(stream.workspace);
        if (streams != null) {
            streams.remove(stream);
        }
    }

    static long digest(byte[] json) {
        String stripped = TICKING.matcher(new String(json, StandardCharsets.UTF_8)).replaceAll("");
        long h = 1125899906842597L;
        for (int i = 0; i < stripped.length(); i++) {
            h = 31 * h + stripped.charAt(i);
        }
        return h == 0 ? 1 : h;
    }

    /** {@code event: <type>\ndata: <json>\n\n}: the JSON on one line, as Go's json.Encoder writes it. */
    static byte[] event(String type, byte[] json) {
        byte[] head = ("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(head, head.length + json.length + 2);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    @Override
    public void close() {
        dropAll();
        thread.shutdownNow();
    }

    /** One open response. */
    private static final class Stream {
        final HttpExchange exchange;
        final OutputStream out;
        final UUID workspace;
        /** Digest of the last workspace sent; 0 = none, or an error was. */
        long lastDigest;
        private boolean closed;

        Stream(HttpExchange exchange, OutputStream out, UUID workspace) {
            this.exchange = exchange;
            this.out = out;
            this.workspace = workspace;
        }

        synchronized boolean write(byte[] bytes) {
            if (closed) {
                return false;
            }
            try {
                out.write(bytes);
                out.flush();
                return true;
            } catch (IOException e) {
                close();
                return false;
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                exchange.close();
            }
        }
    }
}
