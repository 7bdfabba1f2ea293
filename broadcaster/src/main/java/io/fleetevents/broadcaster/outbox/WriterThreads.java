package io.fleetevents.broadcaster.outbox;

import io.fleetevents.broadcaster.fanout.DispatchListener;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket writer threads. Each connection is pinned to one writer; a connection with frames queued is put on its
 * writer's ready queue once (until its pump ends) and the writer drains it in a batch. No executor task per
 * delivery, and a writer is woken only when it is actually parked.
 *
 * <p>During a live dispatch (an event offered to thousands of connections) the dispatching thread holds the
 * connections it schedules back and passes them to each writer {@value #HAND_OFF_BATCH} at a time, and the rest when
 * the dispatch ends: one queue append and at most one wake-up per batch. One append per connection made the
 * dispatching thread and the writers contend for the queue's tail (a quarter of the live feed's time at 50,000
 * deliveries/s). Writers still start on a batch while the dispatch goes on.
 */
public final class WriterThreads implements DispatchListener {

    private static final Logger log = LoggerFactory.getLogger(WriterThreads.class);
    static final int HAND_OFF_BATCH = 64;

    private final Worker[] workers;
    private final AtomicInteger nextWorker = new AtomicInteger();
    private final ThreadLocal<HeldBack> heldBack;

    /** @param name the threads' name, numbered from 1 */
    public WriterThreads(int threads, String name) {
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i, name + "-" + (i + 1));
            workers[i].thread.start();
        }
        heldBack = ThreadLocal.withInitial(() -> new HeldBack(threads));
    }

    /** The writer a new connection is pinned to (round robin). */
    public Outbox.Scheduler assign() {
        return workers[Math.floorMod(nextWorker.getAndIncrement(), workers.length)];
    }

    public void shutdown() {
        for (Worker worker : workers) {
            worker.running = false;
            LockSupport.unpark(worker.thread);
        }
    }

    @Override
    public void dispatchStarted() {
        heldBack.get().depth++;
    }

    @Override
    public void dispatchEnded() {
        HeldBack held = heldBack.get();
        if (--held.depth == 0) {
            for (int i = 0; i < workers.length; i++) {
                held.passOn(i);
            }
        }
    }

    /** Connections scheduled by one dispatching thread and not yet passed to their writers. */
    private final class HeldBack {
        private final Outbox[][] pending;
        private final int[] counts;
        private int depth;

        HeldBack(int writers) {
            pending = new Outbox[writers][HAND_OFF_BATCH];
            counts = new int[writers];
        }

        void add(int writer, Outbox connection) {
            pending[writer][counts[writer]++] = connection;
            if (counts[writer] == HAND_OFF_BATCH) {
                passOn(writer);
            }
        }

        void passOn(int writer) {
            int count = counts[writer];
            if (count > 0) {
                workers[writer].scheduleAll(pending[writer], count);
                Arrays.fill(pending[writer], 0, count, null);
                counts[writer] = 0;
            }
        }
    }

    private final class Worker implements Runnable, Outbox.Scheduler {
        private final int index;
        private final ConcurrentLinkedQueue<Outbox> ready = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean parked;

        Worker(int index, String name) {
            this.index = index;
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        /** Queues {@code connection} for a pump; the caller guarantees it is not queued or pumping already. */
        @Override
        public void schedule(Outbox connection) {
            HeldBack held = heldBack.get();
            if (held.depth > 0) {
                held.add(index, connection);
                return;
            }
            ready.add(connection);
            wake();
        }

        private void scheduleAll(Outbox[] connections, int count) {
            ready.addAll(Arrays.asList(connections).subList(0, count)); // linked in with one append
            wake();
        }

        private void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            while (running) {
                Outbox connection = ready.poll();
                if (connection == null) {
                    parked = true;
                    if (ready.isEmpty() && running) {
                        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                    }
                    parked = false;
                    continue;
                }
                try {
                    connection.pump();
                } catch (RuntimeException | Error e) {
                    log.warn("writer failed on connection {}: {}", connection, e.toString());
                }
            }
        }
    }
}
