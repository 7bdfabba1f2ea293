package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import java.nio.charset.StandardCharsets;

/**
 * One queued frame. A control frame is its UTF-8 bytes; a {@code MESSAGE} is a reference to the shared
 * {@link Delivery} plus what is particular to this subscriber (subscription id, token, replay-gap notice) and is
 * encoded only when written, from the delivery's shared byte parts. {@link #size()} is its exact size in bytes.
 */
final class Outgoing {

    private static final byte[] MESSAGE_SUBSCRIPTION = "MESSAGE\nsubscription:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLAY_GAP = "replay-gap:true\nreplay-earliest:".getBytes(StandardCharsets.US_ASCII);

    private final byte[] control;
    private final Subscription subscription;
    private final byte[] subscriptionId;
    private final Delivery delivery;
    private final String token;
    private final byte[] tokenBytes;
    private final byte[] gap;
    private final boolean closeAfter;
    private final String resumeNotice;
    private final int size;

    private Outgoing(byte[] control, Subscription subscription, byte[] subscriptionId, Delivery delivery, String token,
                     byte[] tokenBytes, byte[] gap, boolean closeAfter, String resumeNotice) {
        this.control = control;
        this.subscription = subscription;
        this.subscriptionId = subscriptionId;
        this.delivery = delivery;
        this.token = token;
        this.tokenBytes = tokenBytes;
        this.gap = gap;
        this.closeAfter = closeAfter;
        this.resumeNotice = resumeNotice;
        if (control != null) {
            size = control.length;
        } else {
            size = MESSAGE_SUBSCRIPTION.length + subscriptionId.length + delivery.stompHead().length + tokenBytes.length + 1
                    + (gap == null ? 0 : REPLAY_GAP.length + gap.length + 1) + delivery.stompBody().length;
        }
    }

    static Outgoing control(String text) {
        return new Outgoing(text.getBytes(StandardCharsets.UTF_8), null, null, null, null, null, null, false, null);
    }

    /** A control frame after which the connection is closed. */
    static Outgoing last(String text) {
        return new Outgoing(text.getBytes(StandardCharsets.UTF_8), null, null, null, null, null, null, true, null);
    }

    /**
     * Placeholder for the last ERROR of a connection that the server ends (slow consumer, expired credential): it
     * carries each subscription's resume token, known only when it is written, after every frame before it.
     */
    static Outgoing resumeNotice(String message) {
        return new Outgoing(new byte[0], null, null, null, null, null, null, true, message);
    }

    static Outgoing message(Subscription subscription, byte[] subscriptionId, Delivery delivery, String token, String gap) {
        byte[] tokenBytes = token == delivery.token() ? delivery.tokenBytes() : token.getBytes(StandardCharsets.US_ASCII);
        byte[] gapBytes = gap == null ? null : Delivery.escapeHeader(gap).getBytes(StandardCharsets.UTF_8);
        return new Outgoing(null, subscription, subscriptionId, delivery, token, tokenBytes, gapBytes, false, null);
    }

    int size() {
        return size;
    }

    boolean closeAfter() {
        return closeAfter;
    }

    boolean isResumeNotice() {
        return resumeNotice != null;
    }

    /** The message of a {@link #resumeNotice}. */
    String resumeMessage() {
        return resumeNotice;
    }

    /** The subscription of a MESSAGE (null for control frames). */
    Subscription subscription() {
        return subscription;
    }

    /** The token of a MESSAGE (null for control frames). */
    String token() {
        return token;
    }

    /** Writes the frame at {@code at}; returns the position after it. */
    int writeTo(byte[] out, int at) {
        if (control != null) {
            System.arraycopy(control, 0, out, at, control.length);
            return at + control.length;
        }
        at = put(out, at, MESSAGE_SUBSCRIPTION);
        at = put(out, at, subscriptionId);
        at = put(out, at, delivery.stompHead());
        at = put(out, at, tokenBytes);
        out[at++] = '\n';
        if (gap != null) {
            at = put(out, at, REPLAY_GAP);
            at = put(out, at, gap);
            out[at++] = '\n';
        }
        return put(out, at, delivery.stompBody());
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }
}
