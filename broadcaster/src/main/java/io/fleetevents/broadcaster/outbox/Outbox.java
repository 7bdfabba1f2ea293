package io.fleetevents.broadcaster.outbox;

import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.fanout.SubscriptionTarget;
import java.net.SocketTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of one connection, whatever its transport. Frames are queued (bounded in frames and bytes) and
 * written by {@link #pump()}, one write at a time, several frames per write when they pile up. A client that lets
 * the queue overflow is dropped with a last frame carrying its resume tokens; one whose write hangs longer than the
 * send timeout is dropped as it is; one whose credential expires gets what is queued, then a last frame with its
 * tokens. Replays are paced by {@link #awaitRoom()}, so a replaying client is never dropped for its own backlog.
 *
 * <p>Threads: {@link #deliver} runs on the dispatching thread (a subscription's lock held) and never blocks on I/O;
 * {@link #pump()} on a writer thread chosen by the {@link Scheduler}, or on the thread that completed the previous
 * write; {@link #tick} on the transport's ticker.
 */
public final class Outbox implements SubscriptionTarget {

    /** Runs {@link #pump()} soon, on some writer thread; called at most once until that pump returns. */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Outbox outbox);
    }

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final String name;
    private final Codec codec;
    private final Sink sink;
    private final Scheduler scheduler;
    private final OutboxLimits limits;
    private final Subscriptions registry;
    private final BroadcasterMetrics metrics;
    private final Supplier<? extends Collection<Subscription>> subscriptions;
    private final AtomicBoolean writing = new AtomicBoolean();

    // guarded by this
    private ArrayDeque<Frame> queue;
    private volatile long queuedBytes;
    private volatile int queuedFrames;
    private volatile boolean closing;

    private volatile Caller caller;
    private volatile long heartbeatEveryMillis;
    private volatile long lastWriteMillis = System.currentTimeMillis();
    private volatile long writeStartedMillis; // 0 when no write is in flight
    private volatile boolean writeAborted;
    private volatile long closingSinceMillis;

    /**
     * @param name          names the connection in logs (transport and id)
     * @param registry      where subscriptions are closed when the credential expires
     * @param subscriptions the connection's subscriptions at the moment of asking: stopped when the client is
     *                      dropped, and their tokens go into the last frame
     */
    public Outbox(String name, Codec codec, Sink sink, Scheduler scheduler, OutboxLimits limits, Subscriptions registry,
                  BroadcasterMetrics metrics, Supplier<? extends Collection<Subscription>> subscriptions) {
        this.name = name;
        this.codec = codec;
        this.sink = sink;
        this.scheduler = scheduler;
        this.limits = limits;
        this.registry = registry;
        this.metrics = metrics;
        this.subscriptions = subscriptions;
    }

    /** From now on the connection ends when {@code who}'s credential expires. */
    public void authenticated(Caller who) {
        caller = who;
    }

    /** How long the connection may be idle before {@link #heartbeat} writes the codec's heart-beat; 0 = never. */
    public void heartbeatEvery(long millis) {
        heartbeatEveryMillis = millis;
    }

    // ---- what goes in -------------------------------------------------------------------------------------------

    @Override
    public void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        if (closing) {
            return;
        }
        if (enqueue(codec.message(subscription, delivery, token, replayEarliest), false)) {
            metrics.delivered();
        }
    }

    @Override
    public boolean awaitRoom() {
        if (!closing && queuedFrames <= limits.roomFrames() && queuedBytes <= limits.roomBytes()) {
            return true; // the usual case, without taking the lock
        }
        synchronized (this) {
            while (!closing && queue != null && (queuedFrames > limits.roomFrames() || queuedBytes > limits.roomBytes())) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return !closing;
        }
    }

    @Override
    public void replayFailed(Subscription subscription, String reason) {
        endWith(codec.replayFailed(subscription, reason));
    }

    /** Queues a control frame (a reply, a heart-beat); it does not count towards the slow-consumer limit. */
    public void control(byte[] frame) {
        enqueue(Frame.of(frame), true);
    }

    /**
     * Queues the connection's last frame (e.g. an error); the connection is closed once it is written. Returns false
     * when the connection was closing already (the frame is then dropped).
     */
    public boolean endWith(byte[] frame) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            enqueueLocked(new Frame.Bytes(frame, true));
            startClosing();
        }
        kick();
        return true;
    }

    public boolean isClosing() {
        return closing;
    }

    /** Queues a frame; false when the connection is closing or overflowed (then it is being dropped). */
    private boolean enqueue(Frame frame, boolean control) {
        synchronized (this) {
            if (closing) {
                return false;
            }
            if (!control && queue != null
                    && (queue.size() >= limits.maxFrames() || queuedBytes + frame.size() > limits.maxBytes())) {
                dropSlowConsumerLocked();
                return false;
            }
            enqueueLocked(frame);
        }
        kick();
        return true;
    }

    private void enqueueLocked(Frame frame) {
        if (queue == null) {
            queue = new ArrayDeque<>(8);
        }
        queue.add(frame);
        queuedBytes += frame.size();
        queuedFrames = queue.size();
    }

    /**
     * The client fell behind: discard what it has not received, stop its subscriptions, tell it where to resume and
     * close. The tokens are those of the last frames actually written, so resuming loses and repeats nothing.
     */
    private void dropSlowConsumerLocked() {
        metrics.slowConsumerDropped();
        queue.clear();
        queuedBytes = 0;
        queuedFrames = 0;
        // only stopped here: this runs inside a dispatch, which the index must not be changed under; the transport
        // closes them in the registry once the connection is closed
        for (Subscription subscription : subscriptions.get()) {
            subscription.close();
        }
        enqueueLocked(new Frame.Notice(null));
        startClosing();
        log.info("dropped slow consumer {} ({})", name, callerName());
    }

    /** No new events; what is queued is still written, then the codec's notice with the tokens of the last frames. */
    private void credentialExpired(Caller who) {
        for (Subscription subscription : subscriptions.get()) {
            registry.close(subscription);
        }
        synchronized (this) {
            if (closing) {
                return;
            }
            enqueueLocked(new Frame.Notice(who));
            startClosing();
        }
        metrics.credentialExpired();
        kick();
        log.info("ending {} ({}): credential expired", name, who.name());
    }

    private void startClosing() {
        closing = true;
        closingSinceMillis = System.currentTimeMillis();
    }

    private String callerName() {
        Caller who = caller;
        return who == null ? "?" : who.name();
    }

    // ---- what goes out ------------------------------------------------------------------------------------------

    private void kick() {
        if (writing.compareAndSet(false, true)) {
            scheduler.schedule(this);
        }
    }

    /** Takes the next frames to write as one unit (several when they pile up), copied once into one array. */
    private synchronized Batch nextBatch() {
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        Frame first = queue.poll();
        queuedBytes -= first.size();
        queuedFrames = queue.size();
        Frame.Notice notice = first.notice();
        if (notice != null) {
            notifyAll();
            byte[] bytes = notice.build(codec, subscriptions.get(), limits);
            return new Batch(bytes, bytes.length, first, null);
        }
        int length = first.size();
        int count = 1;
        if (!first.closeAfter()) {
            for (Frame next : queue) {
                if (next.notice() != null || length + next.size() > limits.maxBatchBytes()) {
                    break;
                }
                length += next.size();
                count++;
                if (next.closeAfter()) {
                    break;
                }
            }
        }
        byte[] bytes = new byte[length];
        int at = first.writeTo(bytes, 0);
        Frame[] more = null;
        if (count > 1) {
            more = new Frame[count - 1];
            for (int i = 0; i < more.length; i++) {
                Frame next = queue.poll();
                queuedBytes -= next.size();
                at = next.writeTo(bytes, at);
                more[i] = next;
            }
        }
        queuedFrames = queue.size();
        notifyAll();
        return new Batch(bytes, at, first, more);
    }

    private synchronized boolean hasQueued() {
        return queue != null && !queue.isEmpty();
    }

    /**
     * Writes queued batches until the queue is empty or a write is pending; resumed by the write's completion. Only
     * ever runs on one thread at a time (the one that set {@code writing}).
     */
    public void pump() {
        while (true) {
            Batch batch = nextBatch();
            if (batch == null) {
                writing.set(false);
                if (hasQueued() && writing.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            // 0: in flight; 1: completed before send returned (this loop goes on); 2: send returned first (the
            // completion goes on)
            AtomicInteger state = new AtomicInteger();
            writeStartedMillis = System.currentTimeMillis();
            try {
                sink.send(batch.bytes(), batch.length(), failure -> {
                    writeStartedMillis = 0;
                    if (!written(failure, batch)) {
                        return;
                    }
                    if (!state.compareAndSet(0, 1)) {
                        pump();
                    }
                });
            } catch (RuntimeException e) {
                log.debug("write to {} failed: {}", name, e.toString());
                abandon();
                return;
            }
            if (state.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private boolean written(Throwable failure, Batch batch) {
        if (failure != null) {
            if (writeAborted) {
                log.debug("aborted the stuck write to {}", name);
            } else if (isTimeout(failure)) {
                writeAborted = true;
                droppedStuck(); // the sink timed the write out itself
            } else {
                log.debug("write to {} failed: {}", name, failure.toString());
            }
            abandon();
            return false;
        }
        lastWriteMillis = System.currentTimeMillis();
        if (!recordWritten(batch.first())) {
            return false;
        }
        if (batch.more() != null) {
            for (Frame frame : batch.more()) {
                if (!recordWritten(frame)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Records a written frame's token; false (after closing) when the frame was the connection's last. */
    private boolean recordWritten(Frame frame) {
        if (frame.subscription() != null) {
            frame.subscription().sent(frame.token());
        }
        if (frame.closeAfter()) {
            sink.close(true);
            return false;
        }
        return true;
    }

    private void abandon() {
        closed();
        sink.close(false);
    }

    /**
     * A client that read nothing for the whole send timeout: no last frame can reach it any more, so it is dropped as
     * it is (it resumes with the token of the last frame it read); counted as slow.
     */
    private void droppedStuck() {
        metrics.slowConsumerDropped();
        log.info("dropped stuck consumer {} ({}): a write waited longer than {} ms (the send timeout)", name,
                callerName(), limits.sendTimeoutMillis());
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private record Batch(byte[] bytes, int length, Frame first, Frame[] more) {
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    /**
     * Writes pending too long, connections stuck while closing, credential expiry. Returns whether the connection
     * goes on as usual; then the transport runs its own checks and {@link #heartbeat}.
     */
    public boolean tick(long now) {
        long timeout = limits.sendTimeoutMillis();
        long started = writeStartedMillis;
        if (timeout > 0 && started != 0 && now - started > timeout && !sink.timesOutItsWrites() && !writeAborted) {
            writeAborted = true;
            droppedStuck();
            sink.abortWrite(); // the write's completion then fails and closes the connection
            return false;
        }
        if (closing) {
            if (timeout > 0 && now - closingSinceMillis > timeout) {
                sink.close(false);
            }
            return false;
        }
        Caller who = caller;
        if (who != null && who.expiredAt(now)) {
            credentialExpired(who);
            return false;
        }
        return true;
    }

    /** Writes the codec's heart-beat when nothing was written for the negotiated interval. */
    public void heartbeat(long now) {
        long every = heartbeatEveryMillis;
        if (every > 0 && now - lastWriteMillis >= every && !writing.get()) {
            control(codec.heartbeat());
        }
    }

    /** Called once the connection is closed, whoever closed it: nothing more is written, waiting replays return. */
    public void closed() {
        synchronized (this) {
            if (!closing) {
                startClosing();
            }
            if (queue != null) {
                queue.clear();
            }
            queuedBytes = 0;
            queuedFrames = 0;
            notifyAll();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
