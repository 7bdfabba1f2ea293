package io.fleetevents.broadcaster.stomp;

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
 */
final class StompWriters {

    private static final Logger log = LoggerFactory.getLogger(StompWriters.class);

    private final Worker[] workers;
    private final AtomicInteger nextWorker = new AtomicInteger();

    StompWriters(int threads) {
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker("fleet-events-stomp-writer-" + (i + 1));
            workers[i].thread.start();
        }
    }

    /** The writer a new connection is pinned to (round robin). */
    Worker assign() {
        return workers[Math.floorMod(nextWorker.getAndIncrement(), workers.length)];
    }

    void shutdown() {
        for (Worker worker : workers) {
            worker.running = false;
            LockSupport.unpark(worker.thread);
        }
    }

    static final class Worker implements Runnable {
        private final ConcurrentLinkedQueue<StompConnection> ready = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean parked;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        /** Queues {@code connection} for a pump; the caller guarantees it is not queued or pumping already. */
        void schedule(StompConnection connection) {
            ready.add(connection);
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            while (running) {
                StompConnection connection = ready.poll();
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
                    log.warn("writer failed on connection {}: {}", connection.id(), e.toString());
                }
            }
        }
    }
}
