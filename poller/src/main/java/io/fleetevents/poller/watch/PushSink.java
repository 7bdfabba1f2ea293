package io.fleetevents.poller.watch;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** Where pushed workspaces go: {@link io.fleetevents.poller.cycle.PollCycle#writePushed}. */
@FunctionalInterface
public interface PushSink {

    /**
     * Writes one workspace view.
     *
     * @param viewId     the view's {@code poll_id}, taken when it was received
     * @param observedAt when it was received
     * @return snapshots handed to Kafka
     */
    int write(ObjectNode workspace, long viewId, Instant observedAt);
}
