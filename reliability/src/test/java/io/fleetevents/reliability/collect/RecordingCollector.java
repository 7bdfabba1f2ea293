package io.fleetevents.reliability.collect;

import java.util.ArrayList;
import java.util.List;

/**
 * The record-keeping every collector shares: what arrived, in order, duplicates included, appended by the collector's
 * own threads and copied out for the oracle at any time.
 */
abstract class RecordingCollector implements Collector {

    private final String transport;
    private final List<Received> received = new ArrayList<>();

    RecordingCollector(String transport) {
        this.transport = transport;
    }

    /** Notes one delivery. */
    final void record(Received delivery) {
        synchronized (received) {
            received.add(delivery);
        }
    }

    /** Notes the deliveries of one page, together. */
    final void recordAll(List<Received> deliveries) {
        synchronized (received) {
            received.addAll(deliveries);
        }
    }

    /** Starts the collector's reading loop on a daemon thread of that name (from the end of a constructor). */
    static Thread startDaemon(String name, Runnable loop) {
        Thread thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }
}
