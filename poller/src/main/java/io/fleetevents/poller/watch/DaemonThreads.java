package io.fleetevents.poller.watch;

import java.util.concurrent.ThreadFactory;

/** Threads of the push paths: named, for thread dumps, and daemon, so that they never keep the JVM alive. */
final class DaemonThreads {

    private DaemonThreads() {
    }

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
