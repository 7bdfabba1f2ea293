package io.fleetevents.broadcaster.outbox;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Subscription;
import java.util.Collection;

/**
 * One queued frame: its exact size and how to copy it into the batch being written. A message frame names its
 * subscription and token, recorded as the subscription's last sent token once the frame is written.
 */
public abstract class Frame {

    private final Subscription subscription;
    private final String token;

    /** @param subscription null for control frames, as {@code token} */
    protected Frame(Subscription subscription, String token) {
        this.subscription = subscription;
        this.token = token;
    }

    /** A control frame: these bytes, as they are. */
    public static Frame of(byte[] bytes) {
        return new Bytes(bytes, false);
    }

    /** Exact size in bytes; constant. */
    public abstract int size();

    /** Copies the frame into {@code out} at {@code at}; returns the position after it. */
    public abstract int writeTo(byte[] out, int at);

    final Subscription subscription() {
        return subscription;
    }

    final String token() {
        return token;
    }

    /** Whether the connection is closed once this frame is written. */
    boolean closeAfter() {
        return false;
    }

    /** Non-null for the last frame of a connection the server ends, built only when it is written. */
    Notice notice() {
        return null;
    }

    static final class Bytes extends Frame {
        private final byte[] bytes;
        private final boolean closeAfter;

        Bytes(byte[] bytes, boolean closeAfter) {
            super(null, null);
            this.bytes = bytes;
            this.closeAfter = closeAfter;
        }

        @Override
        public int size() {
            return bytes.length;
        }

        @Override
        public int writeTo(byte[] out, int at) {
            System.arraycopy(bytes, 0, out, at, bytes.length);
            return at + bytes.length;
        }

        @Override
        boolean closeAfter() {
            return closeAfter;
        }
    }

    /** Why the server ends a connection; the frame saying so carries the resume tokens of the moment it is written. */
    static final class Notice extends Frame {
        private final Caller expired; // null: slow consumer

        Notice(Caller expired) {
            super(null, null);
            this.expired = expired;
        }

        byte[] build(Codec codec, Collection<Subscription> subscriptions, OutboxLimits limits) {
            return expired == null ? codec.slowConsumer(subscriptions, limits) : codec.credentialExpired(expired, subscriptions);
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public int writeTo(byte[] out, int at) {
            throw new IllegalStateException("a notice is built when it is written");
        }

        @Override
        boolean closeAfter() {
            return true;
        }

        @Override
        Notice notice() {
            return this;
        }
    }
}
