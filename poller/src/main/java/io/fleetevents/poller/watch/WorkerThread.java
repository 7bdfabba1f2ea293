package io.fleetevents.poller.watch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One named daemon thread that runs a push path's tasks in order, off its callers' threads. Closing it interrupts
 * the running task and waits up to 5 s for it to end, so a close does not hang on a slow Coder or Kafka.
 */
final class WorkerThread implements AutoCloseable {

    private final ExecutorService thread;

    WorkerThread(String name) {
        this.thread = Executors.newSingleThreadExecutor(DaemonThreads.named(name));
    }

    /** @throws RejectedExecutionException once closed */
    void execute(Runnable task) {
        thread.execute(task);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
