package io.fleetevents.poller.coder;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Coder client over {@link java.net.http.HttpClient}.
 *
 * <p>Error policy: 5xx, 408, I/O errors and timeouts are retried with exponential backoff and jitter while the
 * attempt budget and the cycle deadline allow; 401/403 on the workspace list, 429, malformed bodies and other 4xx are
 * not retried (a hot retry of a bad token or of a rate limit only makes it worse). The token is sent only in the
 * {@code Coder-Session-Token} header and never appears in a message.
 */
public final class HttpCoderClient implements CoderClient, CoderStreams, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpCoderClient.class);
    private static final String TASKS_GA = "/api/v2/tasks";
    private static final String TASKS_EXPERIMENTAL = "/api/experimental/tasks";
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

    private final Settings settings;
    private final Listener listener;
    private final Clock clock;
    private final HttpClient http;
    private final CoderJsonParser parser;
    private final ScheduledExecutorService watchdog;
    private volatile Instant tasksAbsentUntil = Instant.MIN;
    private volatile String tasksPath = TASKS_GA;

    /**
     * What the client needs.
     *
     * @param baseUrl            Coder's URL, e.g. {@code https://coder.example.com}
     * @param token              session token (never logged)
     * @param pageSize           0 = one {@code limit=0} request; otherwise {@code limit}/{@code offset} pages
     * @param connectTimeout     TCP/TLS connect timeout
     * @param requestTimeout     bound on one request, headers and whole body
     * @param tasksEnabled       whether to read the Tasks API at all
     * @param tasksProbeInterval how long an absent Tasks API is remembered before probing again
     * @param maxAttempts        attempts per request for transient failures (1 = no retry)
     * @param initialBackoff     first retry delay (doubled per attempt, with jitter)
     * @param maxBackoff         cap of the retry delay
     */
    public record Settings(URI baseUrl, String token, int pageSize, Duration connectTimeout, Duration requestTimeout,
                           boolean tasksEnabled, Duration tasksProbeInterval, int maxAttempts, Duration initialBackoff,
                           Duration maxBackoff) {
        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", token=<redacted>, pageSize=" + pageSize + "]";
        }
    }

    /** Observes requests and retries (metrics). */
    public interface Listener {
        /** A response (or a failure without one: status 0) for an endpoint ({@code workspaces} or {@code tasks}). */
        default void onResponse(String endpoint, int status) {
        }

        /** A transient failure about to be retried. */
        default void onRetry(String endpoint, String reason) {
        }

        /** A 429 answer. */
        default void onRateLimited(Duration retryAfter) {
        }
    }

    public HttpCoderClient(Settings settings, Listener listener, Clock clock) {
        this.settings = settings;
        this.listener = listener == null ? new Listener() { } : listener;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // never follow redirects: the session token must not travel to another host
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.parser = CoderJsonParser.create();
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coder-client-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ListingStats streamWorkspaces(Instant deadline, Consumer<ObjectNode> sink) {
        Set<String> seen = new HashSet<>();
        Consumer<ObjectNode> dedupe = ws -> {
            JsonNode id = ws.get("id");
            if (id == null || !id.isString() || id.asString().isBlank()) {
                throw new CoderProtocolException("a workspace in the list has no id", 200, null);
            }
            if (seen.add(id.asString())) {
                sink.accept(ws);
            }
        };
        int requests = 0;
        if (settings.pageSize() <= 0) {
            int count = get("workspaces", "/api/v2/workspaces?limit=0", deadline, in -> parser.workspaces(in, dedupe));
            return new ListingStats(count, seen.size(), 1);
        }
        // Coder's order shifts while paging (coder-api.md §2): dedupe by id, and sweep again while the pages did
        // not add up to the reported count, so a workspace that moved across a page boundary is not missed (a
        // missed workspace would look deleted to the processor).
        int reported = -1;
        for (int sweep = 1; sweep <= 3; sweep++) {
            int offset = 0;
            while (true) {
                int[] received = {0};
                String path = "/api/v2/workspaces?limit=" + settings.pageSize() + "&offset=" + offset;
                reported = get("workspaces", path, deadline, in -> parser.workspaces(in, ws -> {
                    received[0]++;
                    dedupe.accept(ws);
                }));
                requests++;
                if (received[0] == 0 || reported < 0 || offset + received[0] >= reported) {
                    break;
                }
                offset += received[0];
            }
            if (reported < 0 || seen.size() >= reported) {
                return new ListingStats(reported, seen.size(), requests);
            }
            LOG.info("workspace listing sweep {} saw {} of {} workspaces (order shifted while paging); sweeping again",
                    sweep, seen.size(), reported);
        }
        throw new CoderProtocolException("workspace listing incomplete: saw " + seen.size() + " of " + reported
                + " workspaces after 3 paged sweeps", 200, null);
    }

    @Override
    public Optional<Map<String, ObjectNode>> tasksByWorkspace(Instant deadline) {
        if (!settings.tasksEnabled() || clock.instant().isBefore(tasksAbsentUntil)) {
            return Optional.empty();
        }
        for (String path : List.of(tasksPath, tasksPath.equals(TASKS_GA) ? TASKS_EXPERIMENTAL : TASKS_GA)) {
            try {
                List<ObjectNode> tasks = get("tasks", path, deadline, parser::tasks);
                if (!path.equals(tasksPath)) {
                    LOG.info("Coder Tasks API found at {}", path);
                    tasksPath = path;
                }
                Map<String, ObjectNode> byWorkspace = new HashMap<>();
                for (ObjectNode task : tasks) {
                    JsonNode ws = task.get("workspace_id");
                    if (ws == null || !ws.isString() || ws.asString().isBlank()) {
                        // v2.26–2.28 experimental shape: the task id is the workspace id (coder-api.md §16)
                        ws = path.equals(TASKS_EXPERIMENTAL) ? task.get("id") : null;
                    }
                    if (ws != null && ws.isString()) {
                        byWorkspace.put(ws.asString(), task);
                    }
                }
                return Optional.of(byWorkspace);
            } catch (CoderProtocolException | CoderAuthException e) {
                if (e.status() != 404 && e.status() != 403) {
                    throw e;
                }
            }
        }
        tasksAbsentUntil = clock.instant().plus(settings.tasksProbeInterval());
        LOG.info("Coder has no readable Tasks API (404/403 on {} and {}); snapshots carry no task; probing again in {}",
                TASKS_GA, TASKS_EXPERIMENTAL, settings.tasksProbeInterval());
        return Optional.empty();
    }

    @Override
    public Optional<ObjectNode> workspaceIncludingDeleted(String workspaceId, Instant deadline) {
        if (!workspaceId.matches("[0-9a-fA-F-]{1,64}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(get("workspace", "/api/v2/workspaces/" + workspaceId + "?include_deleted=true", deadline,
                    parser::object));
        } catch (CoderProtocolException e) {
            if (e.status() == 404 || e.status() == 410) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<ObjectNode> workspace(String workspaceId, Instant deadline) {
        if (!workspaceId.matches("[0-9a-fA-F-]{1,64}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(get("workspace-read", "/api/v2/workspaces/" + workspaceId, deadline, parser::object));
        } catch (CoderProtocolException e) {
            if (e.status() == 404 || e.status() == 410) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Opens an event stream. The request's timeout bounds the wait for the response headers only; a stream that
     * then goes quiet is the caller's to notice (Coder pings every 15 s). The body is parsed as it arrives, on the
     * HTTP client's threads, one chunk at a time (the next is requested once the last was parsed).
     */
    @Override
    public Subscription open(String endpoint, String pathAndQuery, StreamListener listener) {
        HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve(pathAndQuery))
                .timeout(settings.requestTimeout())
                .header("Coder-Session-Token", settings.token())
                .header("Accept", "text/event-stream")
                .header("User-Agent", "fleet-events-poller")
                .GET()
                .build();
        EventStream stream = new EventStream(endpoint, listener);
        http.sendAsync(request, stream::subscriber).whenComplete((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (!stream.answered) {
                    this.listener.onResponse(endpoint, 0);
                }
                stream.close(0, cause instanceof HttpTimeoutException ? "no response within "
                        + settings.requestTimeout().toMillis() + " ms" : "I/O error: " + cause);
            }
        });
        return stream;
    }

    /** One event stream: a body subscriber feeding an {@link SseParser}. */
    private final class EventStream implements Subscription, java.util.concurrent.Flow.Subscriber<List<java.nio.ByteBuffer>> {
        private final String endpoint;
        private final StreamListener listener;
        private final SseParser parser;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile java.util.concurrent.Flow.Subscription flow;
        volatile boolean answered;

        EventStream(String endpoint, StreamListener listener) {
            this.endpoint = endpoint;
            this.listener = listener;
            this.parser = new SseParser((type, data) -> {
                if (!done.get()) {
                    listener.event(type, data);
                }
            }, 32 * 1024 * 1024);
        }

        HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
            answered = true;
            int status = info.statusCode();
            HttpCoderClient.this.listener.onResponse(endpoint, status);
            String type = info.headers().firstValue("Content-Type").orElse("");
            if (status == 200 && type.startsWith("text/event-stream")) {
                return HttpResponse.BodySubscribers.fromSubscriber(this);
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), bytes -> {
                String message = errorMessage(new java.io.ByteArrayInputStream(bytes));
                close(status, "Coder answered " + status + (status == 200 ? " with " + (type.isEmpty() ? "no content type"
                        : type) + " instead of an event stream" : "") + (message.isEmpty() ? "" : ": " + message));
                return null;
            });
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            flow = subscription;
            if (done.get()) {
                subscription.cancel();
                return;
            }
            listener.opened();
            subscription.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> chunks) {
            try {
                for (java.nio.ByteBuffer chunk : chunks) {
                    parser.feed(chunk);
                }
            } catch (SseParser.FrameTooLargeException e) {
                close(0, e.getMessage());
                flow.cancel();
                return;
            }
            if (!done.get()) {
                flow.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            close(0, "I/O error: " + error);
        }

        @Override
        public void onComplete() {
            close(0, "the stream ended");
        }

        void close(int status, String reason) {
            if (done.compareAndSet(false, true)) {
                listener.closed(status, reason);
            }
        }

        @Override
        public void cancel() {
            done.set(true);
            java.util.concurrent.Flow.Subscription f = flow;
            if (f != null) {
                f.cancel();
            }
        }
    }

    @Override
    public Optional<ObjectNode> workspaceAgent(String agentId, Instant deadline) {
        if (!agentId.matches("[0-9a-fA-F-]{1,64}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(get("agent", "/api/v2/workspaceagents/" + agentId, deadline, parser::object));
        } catch (CoderProtocolException e) {
            if (e.status() == 404 || e.status() == 410) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Reads one response body. */
    @FunctionalInterface
    private interface BodyReader<T> {
        T read(InputStream body);
    }

    private <T> T get(String endpoint, String pathAndQuery, Instant deadline, BodyReader<T> reader) {
        int attempt = 0;
        Duration backoff = settings.initialBackoff();
        while (true) {
            attempt++;
            try {
                return getOnce(endpoint, pathAndQuery, deadline, reader);
            } catch (CoderUnavailableException e) {
                Duration remaining = Duration.between(clock.instant(), deadline);
                Duration sleep = jitter(backoff);
                if (attempt >= settings.maxAttempts() || remaining.compareTo(sleep) <= 0) {
                    throw e;
                }
                LOG.warn("Coder {} failed ({}), retry {} of {} in {} ms", endpoint, e.getMessage(), attempt,
                        settings.maxAttempts() - 1, sleep.toMillis());
                listener.onRetry(endpoint, e.status() == 0 ? "io" : Integer.toString(e.status()));
                sleep(sleep);
                backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
            }
        }
    }

    private <T> T getOnce(String endpoint, String pathAndQuery, Instant deadline, BodyReader<T> reader) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
            throw new CoderUnavailableException("the cycle deadline passed before calling " + endpoint, 0, null);
        }
        Duration timeout = min(settings.requestTimeout(), remaining);
        HttpRequest request = HttpRequest.newBuilder(settings.baseUrl().resolve(pathAndQuery))
                .timeout(timeout)
                .header("Coder-Session-Token", settings.token())
                .header("Accept", "application/json")
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", "fleet-events-poller")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            listener.onResponse(endpoint, 0);
            throw new CoderUnavailableException("no response from " + endpoint + " within " + timeout.toMillis()
                    + " ms", 0, e);
        } catch (IOException e) {
            listener.onResponse(endpoint, 0);
            throw new CoderUnavailableException("I/O error calling " + endpoint + ": " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoderUnavailableException("interrupted calling " + endpoint, 0, e);
        }
        int status = response.statusCode();
        listener.onResponse(endpoint, status);
        InputStream raw = response.body();
        // HttpRequest.timeout bounds the wait for headers only; the watchdog bounds reading the body.
        ScheduledFuture<?> guard = watchdog.schedule(() -> closeQuietly(raw), timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream body = decoded(response, raw)) {
            if (status == 200) {
                return reader.read(body);
            }
            String message = errorMessage(body);
            throw failure(endpoint, status, message, response);
        } catch (IOException e) {
            throw new CoderUnavailableException("I/O error reading " + endpoint + ": " + e, status, e);
        } catch (CoderUnavailableException e) {
            if (guard.isDone()) {
                throw new CoderUnavailableException("reading " + endpoint + " took longer than " + timeout.toMillis()
                        + " ms", status, e);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }

    private CoderException failure(String endpoint, int status, String message, HttpResponse<?> response) {
        String what = "Coder answered " + status + " on " + endpoint + (message.isEmpty() ? "" : ": " + message);
        if (status == 401) {
            return new CoderAuthException(what + " (the session token is missing, invalid or expired: create a new"
                    + " one with 'coder tokens create' and set CODER_SESSION_TOKEN)", status);
        }
        if (status == 403) {
            return new CoderAuthException(what + " (the token's user may not read every workspace: use an Owner or"
                    + " Template Admin token)", status);
        }
        if (status == 429) {
            Duration retryAfter = retryAfter(response);
            listener.onRateLimited(retryAfter);
            return new CoderRateLimitedException(what + " (retry after " + retryAfter.toSeconds() + " s)", retryAfter);
        }
        if (status >= 500 || status == 408) {
            return new CoderUnavailableException(what, status, null);
        }
        if (status >= 300 && status < 400) {
            return new CoderProtocolException(what + " (redirected to " + response.headers().firstValue("Location")
                    .orElse("?") + "; set fleet.poller.coder.url to Coder's final URL)", status, null);
        }
        return new CoderProtocolException(what, status, null);
    }

    /** {@code Retry-After} (seconds or an HTTP date), else {@code X-RateLimit-Reset} (unix seconds), else 60 s. */
    Duration retryAfter(HttpResponse<?> response) {
        Instant now = clock.instant();
        Optional<String> header = response.headers().firstValue("Retry-After");
        Duration wait = null;
        if (header.isPresent()) {
            String value = header.get().trim();
            try {
                wait = Duration.ofSeconds(Long.parseLong(value));
            } catch (NumberFormatException notSeconds) {
                try {
                    wait = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                } catch (DateTimeParseException notDate) {
                    LOG.debug("unparsable Retry-After '{}'", value);
                }
            }
        }
        if (wait == null) {
            Optional<String> reset = response.headers().firstValue("X-RateLimit-Reset");
            if (reset.isPresent()) {
                try {
                    wait = Duration.between(now, Instant.ofEpochSecond(Long.parseLong(reset.get().trim())));
                } catch (NumberFormatException e) {
                    LOG.debug("unparsable X-RateLimit-Reset '{}'", reset.get());
                }
            }
        }
        if (wait == null) {
            wait = DEFAULT_RETRY_AFTER;
        }
        if (wait.compareTo(Duration.ofSeconds(1)) < 0) {
            wait = Duration.ofSeconds(1);
        }
        return min(wait, MAX_RETRY_AFTER);
    }

    private static InputStream decoded(HttpResponse<InputStream> response, InputStream raw) throws IOException {
        String encoding = response.headers().firstValue("Content-Encoding").orElse("");
        return "gzip".equalsIgnoreCase(encoding.trim()) ? new GZIPInputStream(raw, 64 * 1024) : raw;
    }

    private static String errorMessage(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(4096);
            String text = new String(bytes, StandardCharsets.UTF_8);
            try {
                JsonNode node = JsonMapper.builder().build().readTree(text);
                String message = node.path("message").asString("");
                String detail = node.path("detail").asString("");
                return detail.isEmpty() ? message : message + " (" + detail + ")";
            } catch (RuntimeException notJson) {
                return text.length() > 200 ? text.substring(0, 200) + "…" : text;
            }
        } catch (IOException e) {
            return "";
        }
    }

    private static Duration jitter(Duration backoff) {
        long millis = Math.max(1, backoff.toMillis());
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoderUnavailableException("interrupted while backing off", 0, e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing a timed-out body: {}", e.toString());
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() before Java 21: its threads end when it is unreachable
        watchdog.shutdownNow();
    }
}
