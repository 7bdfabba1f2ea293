package io.fleetevents.poller.app;

import io.fleetevents.poller.PollerProperties;
import io.fleetevents.poller.cycle.PollLoop;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Starts the poll loop when the context is ready (unless {@code fleet.poller.autostart=false}) and stops it first on close. */
@Component
class PollerLifecycle implements SmartLifecycle {

    private final PollLoop loop;
    private final boolean autostart;
    private volatile boolean running;

    PollerLifecycle(PollLoop loop, PollerProperties props) {
        this.loop = loop;
        this.autostart = props.autostart();
    }

    @Override
    public void start() {
        if (autostart) {
            loop.start();
        }
        running = true;
    }

    @Override
    public void stop() {
        loop.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
