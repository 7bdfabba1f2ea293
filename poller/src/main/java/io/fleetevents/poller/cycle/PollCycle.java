package io.fleetevents.poller.cycle;

import io.fleetevents.poller.coder.CoderAuthException;
import io.fleetevents.poller.coder.CoderClient;
import io.fleetevents.poller.coder.CoderException;
import io.fleetevents.poller.coder.CoderRateLimitedException;
import io.fleetevents.poller.publish.Partitioning;
import io.fleetevents.poller.publish.SnapshotSink;
import io.fleetevents.poller.snapshot.AgentObservation;
import io.fleetevents.poller.snapshot.ChangeDetector;
import io.fleetevents.poller.snapshot.ChangeDetector.Decision;
import io.fleetevents.poller.snapshot.Fingerprint;
import io.fleetevents.poller.snapshot.TickingFields;
import io.fleetevents.poller.snapshot.WorkspaceSplitter;
import io.fleetevents.schemas.AgentSnapshot;
import io.fleetevents.schemas.CycleMarker;
import io.fleetevents.schemas.Departure;
import io.fleetevents.schemas.RawJson;
import io.fleetevents.schemas.SnapshotRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One poll cycle: read the Tasks (when Coder has them), stream the workspace list, split each workspace into agent
 * observations, write those that changed (or are due a refresh) to their partition as they arrive, wait for every
 * acknowledgement, and only then write one {@link CycleMarker} per partition with the keys present there. Any
 * failure before that point — a page that cannot be fetched, a malformed body, a send that is not acknowledged, the
 * cycle deadline — ends the cycle without markers, so the processor never concludes anything from a partial view.
 * The one record-level exception: a snapshot Kafka refuses as too large is logged and counted, and the cycle goes on
 * (its agent stays in the roster), so one oversized workspace cannot stop the whole fleet from being watched.
 */
public final class PollCycle {

    private static final Logger LOG = LoggerFactory.getLogger(PollCycle.class);
    /** The name of the Tasks read in {@link OptionalReads} and its metric tag. */
    public static final String TASKS = "tasks";
    private static final ObjectWriter TREE_WRITER = JsonMapper.builder().build().writer();

    private final CoderClient coder;
    private final SnapshotSink sink;
    private final ChangeDetector detector;
    private final TickingFields ticking;
    private final String deployment;
    private final Duration cycleTimeout;
    private final Clock clock;
    private final OptionalReads optionalReads;
    private final DepartureTracker departures = new DepartureTracker();
    private final int maxDeletedWorkspaceReads;
    private final int maxAppStatuses;
    private final int maxDepartingAgentReads;
    /** Keys whose snapshot Kafka refused as too large, logged once until one is written again. */
    private final Set<String> tooLarge = ConcurrentHashMap.newKeySet();
    private final SnapshotOrder order;
    /** What the last complete cycle read, for views pushed between cycles. */
    private volatile Known known = new Known(0, Map.of(), true);
    private volatile FleetView fleetView = FleetView.NONE;

    /** The last complete cycle's partition count and Tasks: a pushed workspace is split with the same Tasks. */
    private record Known(int partitions, Map<String, ObjectNode> tasks, boolean tasksUnknown) {
    }

    public PollCycle(CoderClient coder, SnapshotSink sink, ChangeDetector detector, TickingFields ticking,
                     String deployment, Duration cycleTimeout, Clock clock) {
        this(coder, sink, detector, ticking, deployment, cycleTimeout, clock, new OptionalReads(null), 20, 200, 50);
    }

    public PollCycle(CoderClient coder, SnapshotSink sink, ChangeDetector detector, TickingFields ticking,
                     String deployment, Duration cycleTimeout, Clock clock, OptionalReads optionalReads,
                     int maxDeletedWorkspaceReads, int maxDepartingAgentReads, int maxAppStatuses) {
        this(coder, sink, detector, ticking, deployment, cycleTimeout, clock, optionalReads, maxDeletedWorkspaceReads,
                maxDepartingAgentReads, maxAppStatuses, new SnapshotOrder());
    }

    /** @param order shared with the push paths: orders their views and the cycle's per key */
    public PollCycle(CoderClient coder, SnapshotSink sink, ChangeDetector detector, TickingFields ticking,
                     String deployment, Duration cycleTimeout, Clock clock, OptionalReads optionalReads,
                     int maxDeletedWorkspaceReads, int maxDepartingAgentReads, int maxAppStatuses,
                     SnapshotOrder order) {
        this.order = order;
        this.maxDepartingAgentReads = maxDepartingAgentReads;
        this.maxAppStatuses = maxAppStatuses;
        this.optionalReads = optionalReads;
        this.maxDeletedWorkspaceReads = maxDeletedWorkspaceReads;
        this.coder = coder;
        this.sink = sink;
        this.detector = detector;
        this.ticking = ticking;
        this.deployment = deployment;
        this.cycleTimeout = cycleTimeout;
        this.clock = clock;
    }

    /** Runs one cycle with this poll id. Never throws for Coder or Kafka failures: they are in the outcome. */
    public CycleOutcome run(long pollId) {
        long startNanos = System.nanoTime();
        Instant started = clock.instant();
        Instant deadline = started.plus(cycleTimeout);
        long bytesBefore = sink.bytesSent();
        Progress progress = new Progress();
        try {
            int partitions = sink.partitions(remaining(deadline));
            Map<String, ObjectNode> tasks = Map.of();
            boolean tasksUnknown = false;
            try {
                tasks = coder.tasksByWorkspace(deadline).orElse(Map.of());
                if (optionalReads.succeeded(TASKS)) {
                    LOG.info("Coder Tasks API readable again; snapshots carry tasks");
                }
            } catch (CoderAuthException | CoderRateLimitedException e) {
                // a rejected token or a rate limit applies to the whole API: the cycle's own policy handles them
                throw e;
            } catch (CoderException e) {
                tasksUnknown = true;
                if (optionalReads.failed(TASKS, e.getMessage(), clock.instant())) {
                    LOG.warn("Coder Tasks API unreadable ({}); snapshots say task_unknown until it answers again,"
                            + " retried every cycle", e.getMessage());
                }
            }
            boolean unknown = tasksUnknown;
            departures.begin();
            Map<String, ObjectNode> taskMap = tasks;
            List<List<String>> rosters = new ArrayList<>(partitions);
            for (int p = 0; p < partitions; p++) {
                rosters.add(new ArrayList<>());
            }
            Set<String> present = new HashSet<>();
            List<HiddenAgent> toRead = new ArrayList<>();
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            AtomicInteger written = progress.written;
            Instant observedAt = clock.instant();
            List<String> aiWorkspaces = new ArrayList<>();
            List<String> otherWorkspaces = new ArrayList<>();
            Map<String, String> idsByPath = new java.util.HashMap<>();
            coder.streamWorkspaces(deadline, workspace -> {
                progress.workspaces++;
                RawJson workspaceJson = null;
                DepartureTracker.Build build = DepartureTracker.Build.of(workspace);
                String workspaceId = workspace.path("id").asString("");
                idsByPath.put(workspace.path("owner_name").asString("") + "/" + workspace.path("name").asString(""),
                        workspaceId);
                boolean ai = taskMap.containsKey(workspaceId) || workspace.path("latest_app_status").isObject();
                for (AgentObservation observation : WorkspaceSplitter.split(workspace, taskMap, unknown, maxAppStatuses)) {
                    progress.agents++;
                    String key = observation.key();
                    ai = ai || hasAppStatuses(observation.agent());
                    departures.observe(workspaceId, key,
                            observation.agent() == null ? null : observation.agent().path("id").asString(null), build);
                    int partition = Partitioning.partition(key, partitions);
                    rosters.get(partition).add(key);
                    present.add(key);
                    long fingerprint = Fingerprint.of(observation, ticking);
                    synchronized (order.lock(key)) {
                        if (!order.admits(key, pollId)) {
                            // a view pushed after this cycle began was written: this listing may be older
                            progress.skipped++;
                            continue;
                        }
                        Decision decision = detector.decide(key, fingerprint, observedAt);
                        if (!decision.write() || decision != Decision.REFRESH
                                && order.deferToWatch(workspaceId, key, fingerprint, started)) {
                            progress.skipped++;
                            continue;
                        }
                        if (workspaceJson == null) {
                            // one workspace JSON shared by all its agents' snapshots: serialised once
                            workspaceJson = raw(observation.workspace());
                        }
                        AgentSnapshot snapshot = new AgentSnapshot(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment,
                                pollId, observedAt, key,
                                observation.agent() == null ? null : raw(observation.agent()),
                                workspaceJson,
                                observation.task() == null ? null : raw(observation.task()), observation.taskUnknown());
                        CompletableFuture<Void> sent = send(partition, key, snapshot, deadline);
                        order.handedOver(key, pollId);
                        acks.add(sent.handle((ok, error) -> {
                            if (error == null) {
                                detector.written(key, fingerprint, decision, observedAt);
                                written.incrementAndGet();
                                tooLarge.remove(key);
                                return null;
                            }
                            Throwable cause = unwrap(error);
                            if (cause instanceof RecordTooLargeException) {
                                rejected(key, cause, progress);
                                return null;
                            }
                            throw new CompletionException(cause);
                        }));
                    }
                }
                (ai ? aiWorkspaces : otherWorkspaces).add(workspaceId);
                for (DepartureTracker.Departing hidden : departures.departing(workspaceId)) {
                    toRead.add(new HiddenAgent(hidden, workspaceId, build, workspace));
                }
            });
            // After the listing, not inside it: a read per hidden agent must not hold the listing's response open.
            int budget = maxDepartingAgentReads;
            for (HiddenAgent hidden : toRead) {
                if (budget-- <= 0) {
                    if (budget == -1) {
                        LOG.info("more than {} hidden agents of stopping or deleting workspaces this cycle"
                                + " (fleet.poller.departures.max-departing-agent-reads); the rest depart unread",
                                maxDepartingAgentReads);
                    }
                    continue;
                }
                Optional<ObjectNode> agent;
                try {
                    agent = coder.workspaceAgent(hidden.departing().agentId(), deadline);
                } catch (CoderAuthException | CoderRateLimitedException e) {
                    throw e;
                } catch (CoderException e) {
                    // a transient failure must not read as a departure: the key stays present, read again next cycle
                    LOG.info("hidden agent {} could not be read ({}); kept in the roster", hidden.departing().key(),
                            e.getMessage());
                    String key = hidden.departing().key();
                    departures.observe(hidden.workspaceId(), key, hidden.departing().agentId(), hidden.build());
                    rosters.get(Partitioning.partition(key, partitions)).add(key);
                    present.add(key);
                    continue;
                }
                if (agent.isEmpty()) {
                    continue;
                }
                progress.agents++;
                String key = hidden.departing().key();
                departures.observe(hidden.workspaceId(), key, hidden.departing().agentId(), hidden.build());
                int partition = Partitioning.partition(key, partitions);
                rosters.get(partition).add(key);
                present.add(key);
                AgentObservation observation = new AgentObservation(key, agent.get(), hidden.workspace(), null);
                long fingerprint = Fingerprint.of(observation, ticking);
                synchronized (order.lock(key)) {
                    Decision decision = order.admits(key, pollId) ? detector.decide(key, fingerprint, observedAt)
                            : Decision.UNCHANGED;
                    if (!decision.write()) {
                        progress.skipped++;
                        continue;
                    }
                    AgentSnapshot snapshot = new AgentSnapshot(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment,
                            pollId, observedAt, key, raw(agent.get()), raw(hidden.workspace()), null);
                    CompletableFuture<Void> sent = send(partition, key, snapshot, deadline);
                    order.handedOver(key, pollId);
                    acks.add(sent.handle((ok, error) -> {
                        if (error == null) {
                            detector.written(key, fingerprint, decision, observedAt);
                            written.incrementAndGet();
                            return null;
                        }
                        throw new CompletionException(unwrap(error));
                    }));
                }
            }
            await(acks, deadline, "snapshots");
            progress.snapshots = written.get();
            Map<String, Departure> departed = departures.departures(budgetedDeletedReads(deadline));
            List<Map<String, Departure>> departuresByPartition = new ArrayList<>(partitions);
            for (int p = 0; p < partitions; p++) {
                departuresByPartition.add(new java.util.TreeMap<>());
            }
            departed.forEach((key, departure) -> {
                if (!present.contains(key)) {
                    departuresByPartition.get(Partitioning.partition(key, partitions)).put(key, departure);
                }
            });
            Instant completed = clock.instant();
            List<CompletableFuture<Void>> markerAcks = new ArrayList<>(partitions);
            for (int p = 0; p < partitions; p++) {
                // sorted: deterministic markers, and neighbouring keys share prefixes, which zstd rewards
                List<String> roster = rosters.get(p);
                Collections.sort(roster);
                CycleMarker marker = new CycleMarker(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment, pollId,
                        completed, p, partitions, roster, departuresByPartition.get(p));
                markerAcks.add(send(p, CycleMarker.RECORD_KEY, marker, deadline));
            }
            await(markerAcks, deadline, "cycle markers");
            detector.retainOnly(present);
            order.retainOnly(present, pollId);
            departures.commit();
            known = new Known(partitions, taskMap, unknown);
            List<String> watchOrder = new ArrayList<>(aiWorkspaces);
            watchOrder.addAll(otherWorkspaces);
            fleetView = new FleetView(pollId, watchOrder, idsByPath);
            return new CycleOutcome(pollId, true, Duration.ofNanos(System.nanoTime() - startNanos),
                    progress.workspaces, progress.agents, progress.snapshots, progress.skipped,
                    progress.rejected.get(), partitions,
                    sink.bytesSent() - bytesBefore, null, null, Duration.ZERO);
        } catch (CoderException e) {
            Duration retryAfter = e instanceof CoderRateLimitedException r ? r.retryAfter() : Duration.ZERO;
            return failed(pollId, startNanos, progress, bytesBefore, e.reason(), e.getMessage(), retryAfter);
        } catch (SnapshotSink.PublishException e) {
            return failed(pollId, startNanos, progress, bytesBefore, "publish", e.getMessage(), Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.error("poll cycle {} failed unexpectedly", pollId, e);
            return failed(pollId, startNanos, progress, bytesBefore, "internal", e.toString(), Duration.ZERO);
        }
    }

    /** The fleet as the last complete cycle listed it. */
    public FleetView fleetView() {
        return fleetView;
    }

    /**
     * Writes a workspace Coder pushed (a watch event) or that a push made the poller read (a build event, a
     * webhook): split, compared and sent exactly as the cycle's view of it would be — same splitter, change detector,
     * sink and Tasks of the last cycle — with {@code viewId} (taken from {@link PollIds#current()} when the view was
     * received) as its {@code poll_id}, under the rules of {@link SnapshotOrder}. Before the first complete cycle
     * nothing is written (the partition count is not known yet).
     *
     * @return how many snapshots were handed to Kafka
     * @throws io.fleetevents.poller.coder.CoderProtocolException when the workspace has no id or bad agent names
     */
    public int writePushed(ObjectNode workspace, long viewId, Instant observedAt) {
        Known last = known;
        if (last.partitions() == 0) {
            return 0;
        }
        RawJson workspaceJson = null;
        int handedOver = 0;
        for (AgentObservation observation : WorkspaceSplitter.split(workspace, last.tasks(), last.tasksUnknown(),
                maxAppStatuses)) {
            String key = observation.key();
            long fingerprint = Fingerprint.of(observation, ticking);
            synchronized (order.lock(key)) {
                if (!order.admits(key, viewId)) {
                    continue;
                }
                Decision decision = detector.decide(key, fingerprint, observedAt);
                if (!decision.write()) {
                    continue;
                }
                if (workspaceJson == null) {
                    workspaceJson = raw(observation.workspace());
                }
                AgentSnapshot snapshot = new AgentSnapshot(SnapshotRecord.CURRENT_SCHEMA_VERSION, deployment, viewId,
                        observedAt, key, observation.agent() == null ? null : raw(observation.agent()), workspaceJson,
                        observation.task() == null ? null : raw(observation.task()), observation.taskUnknown());
                CompletableFuture<Void> sent = sink.send(Partitioning.partition(key, last.partitions()), key, snapshot);
                order.handedOver(key, viewId);
                handedOver++;
                sent.whenComplete((ok, error) -> {
                    if (error == null) {
                        detector.written(key, fingerprint, decision, observedAt);
                    } else {
                        // not recorded: the next cycle compares again and writes it
                        LOG.info("pushed snapshot of {} not acknowledged by Kafka ({}); the next cycle writes it", key,
                                unwrap(error).toString());
                    }
                });
            }
        }
        return handedOver;
    }

    private static boolean hasAppStatuses(ObjectNode agent) {
        if (agent == null) {
            return false;
        }
        for (tools.jackson.databind.JsonNode app : agent.path("apps")) {
            if (app.path("statuses").size() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads of workspaces that left the list, at most {@code maxDeletedWorkspaceReads} per cycle: a mass deletion
     * must not turn one cycle into thousands of requests. A failed read explains nothing (the processor then reports
     * the agent vanished) and never fails the cycle.
     */
    private java.util.function.Function<String, Optional<DepartureTracker.Build>> budgetedDeletedReads(Instant deadline) {
        AtomicInteger budget = new AtomicInteger(maxDeletedWorkspaceReads);
        return workspaceId -> {
            if (budget.getAndDecrement() <= 0) {
                return Optional.empty();
            }
            try {
                return coder.workspaceIncludingDeleted(workspaceId, deadline).map(DepartureTracker.Build::of);
            } catch (CoderAuthException | CoderRateLimitedException e) {
                throw e;
            } catch (CoderException e) {
                LOG.info("workspace {} left the list and cannot be read ({}); its agents' absence stays unexplained",
                        workspaceId, e.getMessage());
                return Optional.empty();
            }
        };
    }

    private CycleOutcome failed(long pollId, long startNanos, Progress progress, long bytesBefore, String reason,
                                String message, Duration retryAfter) {
        return new CycleOutcome(pollId, false, Duration.ofNanos(System.nanoTime() - startNanos), progress.workspaces,
                progress.agents, progress.written.get(), progress.skipped, progress.rejected.get(), 0,
                sink.bytesSent() - bytesBefore, reason,
                message, retryAfter);
    }

    /**
     * Compact JSON of a Coder object, as {@link RawJson#of} makes it, but through the UTF-8 generator (about twice as
     * fast as the writer-based one for the 50 MB of a first cycle at 10,000 workspaces), and kept as those bytes: the
     * snapshot serializer copies them, never decoding them to text and encoding it again.
     */
    private static RawJson raw(ObjectNode node) {
        return RawJson.ofCompactUtf8(TREE_WRITER.writeValueAsBytes(node));
    }

    /**
     * Sends unless the cycle's budget is spent, and fails the cycle at once when the producer refused the record
     * synchronously. A send can block: when the broker is gone the producer drops its metadata and waits up to
     * {@code max.block.ms} for it on every send, then fails that record ("not present in metadata"). Every later send
     * of the cycle would wait as long, so a cycle against a dead broker ends after one such wait (and never past its
     * budget), not after one wait per record.
     */
    private CompletableFuture<Void> send(int partition, String key, SnapshotRecord value, Instant deadline) {
        if (clock.instant().isAfter(deadline)) {
            throw new SnapshotSink.PublishException("the cycle deadline passed while publishing (Kafka blocked"
                    + " the producer); stopped before " + key, null);
        }
        CompletableFuture<Void> sent = sink.send(partition, key, value);
        if (sent.isCompletedExceptionally()) {
            Throwable cause = unwrap(sent.handle((ok, error) -> error).join());
            if (!(value instanceof AgentSnapshot && cause instanceof RecordTooLargeException)) {
                throw new SnapshotSink.PublishException("Kafka refused " + key + ": " + cause, cause);
            }
        }
        return sent;
    }

    /**
     * One agent's snapshot is larger than Kafka accepts (an unbounded app-status history can do that): the rest of
     * the fleet must not stop being watched for it. It is not written, its key stays in the cycle's roster (so the
     * processor concludes nothing from its absence), the change detector does not record it (so every cycle tries
     * again) and it is logged once until it fits again.
     */
    private void rejected(String key, Throwable cause, Progress progress) {
        progress.rejected.incrementAndGet();
        if (tooLarge.add(key)) {
            LOG.error("snapshot of {} not written, Kafka refuses it as too large ({}); the agent stays in the cycle"
                    + " roster and is retried every cycle. Raise fleet.poller.kafka.producer.max.request.size and the topic's"
                    + " max.message.bytes to let it through", key, cause.getMessage());
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void await(List<CompletableFuture<Void>> acks, Instant deadline, String what) {
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, remaining(deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SnapshotSink.PublishException("Kafka did not acknowledge all " + what + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SnapshotSink.PublishException("Kafka did not acknowledge all " + what
                    + " before the cycle deadline", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnapshotSink.PublishException("interrupted waiting for " + what, e);
        }
    }

    /** An agent hidden by its workspace's running stop or delete build, to read by UUID after the listing. */
    private record HiddenAgent(DepartureTracker.Departing departing, String workspaceId, DepartureTracker.Build build,
                               ObjectNode workspace) {
    }

    private static final class Progress {
        int workspaces;
        int agents;
        int snapshots;
        int skipped;
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger rejected = new AtomicInteger();
    }
}
