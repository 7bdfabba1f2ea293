package io.fleetevents.reliability.collect;

import java.util.List;

/** A subscriber that records what it received, in order, duplicates included. */
public interface Collector extends AutoCloseable {

    /** Transport name for the table (stomp, sse, long-poll, kafka). */
    String transport();

    /** Everything received so far. */
    List<Received> received();

    @Override
    void close();
}
