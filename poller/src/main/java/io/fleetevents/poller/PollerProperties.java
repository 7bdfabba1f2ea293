package io.fleetevents.poller;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.PropertyResolver;

/**
 * The poller's whole configuration, bound from {@code poller.*} (docs/poller.md lists every key). Validated when
 * bound: a bad value fails start-up with a message naming the key.
 *
 * @param coder          how to reach Coder
 * @param deployment     name of the polled deployment in every record; blank = {@code CODER_DEPLOYMENT}, else the
 *                       host of {@code fleet.poller.coder.url}
 * @param interval       target time between cycle starts (default 5 s)
 * @param cycleTimeout   budget of one cycle: fetching, retries, publishing, markers (default 60 s)
 * @param fullRefresh    an unchanged agent is written again at least this often (default 5 min)
 * @param tickingFields  fields ignored by change detection (default {@code TickingFields.DEFAULTS})
 * @param retry          retries of one Coder request inside a cycle
 * @param backoff        waits between cycles after failures
 * @param topic          the snapshot topic
 * @param kafka          the Kafka client
 * @param health         when the actuator health turns DOWN
 * @param maxAppStatuses newest app statuses kept per app in a snapshot, after dropping those older than the latest
 *                       start build (default 50, >= 1): Coder lists every status ever reported, unbounded
 * @param departures     how agents hidden by a stop, delete or rebuild are explained in the cycle markers
 * @param autostart      start polling when the app starts (default true; false: cycles run only when called)
 * @param watch          push from Coder: per-workspace watches and the build stream
 * @param webhook        intake of Coder's notification webhooks
 */
@ConfigurationProperties("fleet.poller")
public record PollerProperties(
        @DefaultValue Coder coder,
        @DefaultValue("") String deployment,
        @DefaultValue("5s") Duration interval,
        @DefaultValue("60s") Duration cycleTimeout,
        @DefaultValue("5m") Duration fullRefresh,
        @DefaultValue({"agent.updated_at", "agent.last_connected_at", "agent.latency", "agent.logs_length",
                "agent.metadata.result", "workspace.updated_at", "workspace.last_used_at",
                "workspace.latest_build.deadline", "workspace.latest_build.matched_provisioners.most_recently_seen",
                "workspace.latest_build.updated_at",
                "task.updated_at"}) List<String> tickingFields,
        @DefaultValue Retry retry,
        @DefaultValue Backoff backoff,
        @DefaultValue TopicSettings topic,
        @DefaultValue Kafka kafka,
        @DefaultValue Health health,
        @DefaultValue("50") int maxAppStatuses,
        @DefaultValue Departures departures,
        @DefaultValue("true") boolean autostart,
        @DefaultValue Watch watch,
        @DefaultValue Webhook webhook) {

    public PollerProperties {
        positive(interval, "fleet.poller.interval");
        positive(cycleTimeout, "fleet.poller.cycle-timeout");
        positive(fullRefresh, "fleet.poller.full-refresh");
        tickingFields = tickingFields == null ? List.of() : List.copyOf(tickingFields);
        atLeast(maxAppStatuses, 1, "fleet.poller.max-app-statuses");
        if (deployment != null && !deployment.isBlank() && !deployment.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("fleet.poller.deployment must be letters, digits, '.', '_', ':' or '-', was '"
                    + deployment + "'");
        }
    }

    /**
     * These properties with their environment fallbacks applied and checked complete: {@code fleet.poller.coder.url} ←
     * {@code CODER_URL}; {@code fleet.poller.coder.token} ← {@code CODER_SESSION_TOKEN}; {@code fleet.poller.coder.token-file} ←
     * {@code CODER_SESSION_TOKEN_FILE}; {@code fleet.poller.deployment} ← {@code CODER_DEPLOYMENT} ← the URL's host;
     * {@code fleet.poller.kafka.bootstrap-servers} ← {@code spring.kafka.bootstrap-servers} ← {@code KAFKA_BOOTSTRAP_SERVERS}
     * ← {@code localhost:9092}.
     *
     * @throws IllegalArgumentException naming the missing key
     */
    public PollerProperties resolved(PropertyResolver env) {
        URI url = coder.url() != null && !coder.url().toString().isBlank() ? coder.url()
                : uri(env.getProperty("CODER_URL"));
        Coder resolvedCoder = new Coder(url, first(coder.token(), env.getProperty("CODER_SESSION_TOKEN")),
                first(coder.tokenFile(), env.getProperty("CODER_SESSION_TOKEN_FILE")), coder.pageSize(),
                coder.connectTimeout(), coder.requestTimeout(), coder.tasks(), coder.tasksProbeInterval());
        resolvedCoder.requireComplete();
        String resolvedDeployment = first(deployment, env.getProperty("CODER_DEPLOYMENT"));
        if (resolvedDeployment == null) {
            resolvedDeployment = url.getHost();
        }
        String bootstrap = first(kafka.bootstrapServers(), first(env.getProperty("spring.kafka.bootstrap-servers"),
                first(env.getProperty("KAFKA_BOOTSTRAP_SERVERS"), "localhost:9092")));
        return new PollerProperties(resolvedCoder, resolvedDeployment, interval, cycleTimeout, fullRefresh,
                tickingFields, retry, backoff, topic, new Kafka(bootstrap, kafka.clientId(), kafka.producer()), health,
                maxAppStatuses, departures, autostart, watch, webhook);
    }

    private static String first(String value, String fallback) {
        return value != null && !value.isBlank() ? value.trim() : fallback == null || fallback.isBlank() ? null
                : fallback.trim();
    }

    private static URI uri(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CODER_URL is not a URL: " + e.getMessage(), e);
        }
    }

    /**
     * Coder access.
     *
     * @param url                Coder's base URL (env {@code CODER_URL}); required, http or https
     * @param token              session token (env {@code CODER_SESSION_TOKEN}); never logged
     * @param tokenFile          file holding the token (env {@code CODER_SESSION_TOKEN_FILE}); read at start-up,
     *                           used when {@code token} is blank
     * @param pageSize           0 = one {@code limit=0} request per cycle (default); n = pages of n, deduplicated
     * @param connectTimeout     connect timeout (default 5 s)
     * @param requestTimeout     bound of one request including its body (default 30 s)
     * @param tasks              read {@code /api/v2/tasks} (default true; 404/403 there means "no Tasks API")
     * @param tasksProbeInterval how long an absent Tasks API is remembered (default 5 min)
     */
    public record Coder(
            URI url,
            String token,
            String tokenFile,
            @DefaultValue("0") int pageSize,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("true") boolean tasks,
            @DefaultValue("5m") Duration tasksProbeInterval) {

        public Coder {
            if (url != null && !url.toString().isBlank()
                    && (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null)) {
                throw new IllegalArgumentException("fleet.poller.coder.url must be an http(s) URL with a host, was '" + url
                        + "'");
            }
            atLeast(pageSize, 0, "fleet.poller.coder.page-size");
            positive(connectTimeout, "fleet.poller.coder.connect-timeout");
            positive(requestTimeout, "fleet.poller.coder.request-timeout");
            positive(tasksProbeInterval, "fleet.poller.coder.tasks-probe-interval");
        }

        void requireComplete() {
            if (url == null || url.toString().isBlank()) {
                throw new IllegalArgumentException("fleet.poller.coder.url (or CODER_URL) must be set to Coder's base URL");
            }
            if ((token == null || token.isBlank()) && (tokenFile == null || tokenFile.isBlank())) {
                throw new IllegalArgumentException("fleet.poller.coder.token (or CODER_SESSION_TOKEN) or"
                        + " fleet.poller.coder.token-file (or CODER_SESSION_TOKEN_FILE) must be set");
            }
        }

        @Override
        public String toString() {
            return "Coder[url=" + url + ", token=<redacted>, tokenFile=" + tokenFile + ", pageSize=" + pageSize + "]";
        }
    }

    /**
     * Retries of one Coder request (5xx, 408, I/O errors, timeouts) inside a cycle.
     *
     * @param maxAttempts    attempts per request, 1 = no retry (default 4)
     * @param initialBackoff first wait, doubled per retry, with jitter (default 200 ms)
     * @param maxBackoff     cap of the wait (default 5 s)
     */
    public record Retry(@DefaultValue("4") int maxAttempts, @DefaultValue("200ms") Duration initialBackoff,
                        @DefaultValue("5s") Duration maxBackoff) {
        public Retry {
            atLeast(maxAttempts, 1, "fleet.poller.retry.max-attempts");
            positive(initialBackoff, "fleet.poller.retry.initial-backoff");
            positive(maxBackoff, "fleet.poller.retry.max-backoff");
        }
    }

    /**
     * Waits between cycles after failures.
     *
     * @param maxFailureWait    cap of the wait after consecutive failed cycles (default 60 s)
     * @param authRetryInterval wait after a 401/403 (default 60 s)
     * @param maxSlowdown       cap of the interval multiplier after 429s (default 8)
     */
    public record Backoff(@DefaultValue("60s") Duration maxFailureWait, @DefaultValue("60s") Duration authRetryInterval,
                          @DefaultValue("8") int maxSlowdown) {
        public Backoff {
            positive(maxFailureWait, "fleet.poller.backoff.max-failure-wait");
            positive(authRetryInterval, "fleet.poller.backoff.auth-retry-interval");
            atLeast(maxSlowdown, 1, "fleet.poller.backoff.max-slowdown");
        }
    }

    /**
     * The snapshot topic.
     *
     * @param name              topic name (default {@code coder.agent-snapshots})
     * @param create            create it when missing (default true)
     * @param partitions        partitions when creating (default 6)
     * @param replicationFactor replication when creating; -1 = the broker's default (default -1)
     * @param retention         retention when creating (default 24 h)
     */
    public record TopicSettings(@DefaultValue("coder.agent-snapshots") String name,
                                @DefaultValue("true") boolean create,
                                @DefaultValue("6") int partitions,
                                @DefaultValue("-1") short replicationFactor,
                                @DefaultValue("24h") Duration retention) {
        public TopicSettings {
            notBlank(name, "fleet.poller.topic.name");
            atLeast(partitions, 1, "fleet.poller.topic.partitions");
            if (replicationFactor == 0 || replicationFactor < -1) {
                throw new IllegalArgumentException("fleet.poller.topic.replication-factor must be -1 (broker default) or >= 1,"
                        + " was " + replicationFactor);
            }
            positive(retention, "fleet.poller.topic.retention");
        }
    }

    /**
     * The Kafka client.
     *
     * @param bootstrapServers bootstrap servers (default {@code spring.kafka.bootstrap-servers}, else env
     *                         {@code KAFKA_BOOTSTRAP_SERVERS}, else {@code localhost:9092})
     * @param clientId         producer client id (default {@code fleet-events-poller})
     * @param producer         extra producer properties; {@code acks} and {@code enable.idempotence} cannot be
     *                         weakened
     */
    public record Kafka(String bootstrapServers, @DefaultValue("fleet-events-poller") String clientId,
                        Map<String, String> producer) {
        public Kafka {
            producer = producer == null ? Map.of() : Map.copyOf(producer);
        }
    }

    /**
     * Health.
     *
     * @param maxConsecutiveFailures DOWN after this many failed cycles in a row (default 3); any 401/403 is DOWN at once
     */
    public record Health(@DefaultValue("3") int maxConsecutiveFailures) {
        public Health {
            atLeast(maxConsecutiveFailures, 1, "fleet.poller.health.max-consecutive-failures");
        }
    }

    /**
     * Departures: why an agent present in the last complete cycle is absent from this one (cycle marker
     * {@code departures}).
     *
     * @param maxDeletedWorkspaceReads workspaces that left the list without a delete build seen are read once by id
     *                                 ({@code GET /api/v2/workspaces/{id}?include_deleted=true}) to find the build
     *                                 that explains it; at most this many per cycle (default 20; 0 = never); beyond
     *                                 it their agents' absence stays unexplained ({@code vanished})
     * @param maxDepartingAgentReads   agents hidden by a running stop or delete build are read by UUID
     *                                 ({@code GET /api/v2/workspaceagents/{id}}) every cycle until one read after
     *                                 the build ended, so their shutdown lifecycle is seen; at most this many per
     *                                 cycle (default 200; 0 = never); the rest depart unread
     */
    public record Departures(@DefaultValue("20") int maxDeletedWorkspaceReads,
                             @DefaultValue("200") int maxDepartingAgentReads) {
        public Departures {
            atLeast(maxDepartingAgentReads, 0, "fleet.poller.departures.max-departing-agent-reads");
            atLeast(maxDeletedWorkspaceReads, 0, "fleet.poller.departures.max-deleted-workspace-reads");
        }
    }

    /**
     * Push from Coder (docs/poller.md "Push"): watches, the build stream and the reads they trigger. The poll cycle
     * runs as without them.
     *
     * @param enabled                  watch workspaces (default true)
     * @param maxWatchedWorkspaces     most workspaces watched at once, AI-task workspaces first (default 1000; 0 = none)
     * @param reconnectInitialBackoff  first wait before reconnecting a watch or the build stream (default 1 s)
     * @param reconnectMaxBackoff      cap of that wait, doubled per failure, with jitter (default 60 s)
     * @param idleTimeout              a stream silent this long is taken as dead (default 45 s: Coder pings every 15 s)
     * @param failuresBeforeFallback   consecutive failures after which a watch is logged and counted as fallen back
     *                                 to polling (default 3)
     * @param openSpread               new watches open at random points within this time (default 5 s)
     * @param buildStream              follow {@code /api/experimental/watch-all-workspacebuilds} where Coder has it
     *                                 (default true)
     * @param buildStreamProbeInterval how long an absent build stream (404/403: experiment off) is remembered
     *                                 (default 5 min)
     * @param maxPendingReads          workspaces waiting for an immediate read at most; more are left to the poll
     *                                 (default 1000)
     * @param notFoundRetry            wait before reopening a watch Coder answered 404/410 (the workspace is gone, or
     *                                 this Coder has no SSE watch) (default 5 min)
     * @param maxRequestsPerMinute     watch opens and reopens plus immediate reads, together, per minute at most
     *                                 (default 240: with the poll's 24 a minute, half of Coder's default 512 even if
     *                                 every request of the token counts against one bucket)
     */
    public record Watch(@DefaultValue("true") boolean enabled,
                        @DefaultValue("1000") int maxWatchedWorkspaces,
                        @DefaultValue("1s") Duration reconnectInitialBackoff,
                        @DefaultValue("60s") Duration reconnectMaxBackoff,
                        @DefaultValue("45s") Duration idleTimeout,
                        @DefaultValue("3") int failuresBeforeFallback,
                        @DefaultValue("5s") Duration openSpread,
                        @DefaultValue("true") boolean buildStream,
                        @DefaultValue("5m") Duration buildStreamProbeInterval,
                        @DefaultValue("1000") int maxPendingReads,
                        @DefaultValue("240") int maxRequestsPerMinute,
                        @DefaultValue("5m") Duration notFoundRetry) {
        public Watch {
            positive(notFoundRetry, "fleet.poller.watch.not-found-retry");
            atLeast(maxRequestsPerMinute, 1, "fleet.poller.watch.max-requests-per-minute");
            atLeast(maxWatchedWorkspaces, 0, "fleet.poller.watch.max-watched-workspaces");
            positive(reconnectInitialBackoff, "fleet.poller.watch.reconnect-initial-backoff");
            positive(reconnectMaxBackoff, "fleet.poller.watch.reconnect-max-backoff");
            if (reconnectMaxBackoff.compareTo(reconnectInitialBackoff) < 0) {
                throw new IllegalArgumentException("fleet.poller.watch.reconnect-max-backoff (" + reconnectMaxBackoff
                        + ") must be >= fleet.poller.watch.reconnect-initial-backoff (" + reconnectInitialBackoff + ")");
            }
            positive(idleTimeout, "fleet.poller.watch.idle-timeout");
            atLeast(failuresBeforeFallback, 1, "fleet.poller.watch.failures-before-fallback");
            if (openSpread == null || openSpread.isNegative()) {
                throw new IllegalArgumentException("fleet.poller.watch.open-spread must be >= 0, was " + openSpread);
            }
            positive(buildStreamProbeInterval, "fleet.poller.watch.build-stream-probe-interval");
            atLeast(maxPendingReads, 1, "fleet.poller.watch.max-pending-reads");
        }
    }

    /**
     * Intake of Coder's notification webhooks at {@code POST /api/coder/webhook}. Coder signs nothing and sends no
     * custom header, so the secret normally travels in the URL's query ({@code CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT=
     * https://poller:8080/api/coder/webhook?secret=...}); a proxy in front may send it as a header instead.
     *
     * @param secret           shared secret; blank = the endpoint is off (default). At least 16 characters; never logged
     * @param secretHeader     header that may carry the secret (default {@code X-Fleet-Webhook-Secret})
     * @param secretQueryParam query parameter that may carry it (default {@code secret}; blank = header only)
     * @param rememberedIds    message ids remembered to answer Coder's redeliveries without a second read
     *                         (default 10000)
     */
    public record Webhook(@DefaultValue("") String secret,
                          @DefaultValue("X-Fleet-Webhook-Secret") String secretHeader,
                          @DefaultValue("secret") String secretQueryParam,
                          @DefaultValue("10000") int rememberedIds) {
        public Webhook {
            if (secret != null && !secret.isBlank() && secret.trim().length() < 16) {
                throw new IllegalArgumentException("fleet.poller.webhook.secret must be at least 16 characters (it was "
                        + secret.trim().length() + ")");
            }
            notBlank(secretHeader, "fleet.poller.webhook.secret-header");
            atLeast(rememberedIds, 1, "fleet.poller.webhook.remembered-ids");
        }

        /** Whether the endpoint is on. */
        public boolean enabled() {
            return secret != null && !secret.isBlank();
        }

        @Override
        public String toString() {
            return "Webhook[secret=" + (enabled() ? "<redacted>" : "<none>") + ", secretHeader=" + secretHeader
                    + ", secretQueryParam=" + secretQueryParam + ", rememberedIds=" + rememberedIds + "]";
        }
    }

    private static void positive(Duration value, String key) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
        }
    }

    private static void atLeast(int value, int min, String key) {
        if (value < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", was " + value);
        }
    }

    private static void notBlank(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be blank");
        }
    }
}
