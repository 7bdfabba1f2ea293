package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.fanout.Subscription;

/** One queued frame: its text, and for a MESSAGE the subscription and token to record once it is written. */
record Outgoing(String text, Subscription subscription, String token, boolean closeAfter) {

    static Outgoing control(String text) {
        return new Outgoing(text, null, null, false);
    }
}
