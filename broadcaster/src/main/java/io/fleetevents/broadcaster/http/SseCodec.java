package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.outbox.Codec;
import io.fleetevents.broadcaster.outbox.Frame;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Server-Sent Events, byte for byte as Spring's {@code SseEmitter.event()} writes them: an event is {@code id:} (its
 * resume token) and {@code data:} (the event JSON); notices are named events ({@code replay-gap}, {@code error})
 * with a small JSON object; the heart-beat is a comment. A line break inside data continues it on a new
 * {@code data:} line.
 */
final class SseCodec implements Codec {

    private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = ":keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    /** {@code data:<event JSON>}, the end of the event: the same for every subscriber. */
    static final Delivery.Encoding<byte[]> DATA = Delivery.Encoding.of(delivery -> data(delivery.json()));

    @Override
    public Frame message(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        byte[] gap = replayEarliest == null ? null
                : event("replay-gap", "{\"replay_gap\":true,\"replay_earliest\":\"" + replayEarliest + "\"}");
        byte[] tokenBytes = token == delivery.token() ? delivery.tokenBytes() : token.getBytes(StandardCharsets.UTF_8);
        return new Message(subscription, token, gap, tokenBytes, delivery.encoded(DATA));
    }

    @Override
    public byte[] heartbeat() {
        return HEARTBEAT;
    }

    @Override
    public byte[] replayFailed(Subscription subscription, String reason) {
        return event("error", "{\"error\":\"" + reason.replace("\"", "'") + "\"}");
    }

    @Override
    public byte[] slowConsumer(Collection<Subscription> subscriptions, OutboxLimits limits) {
        String token = subscriptions.isEmpty() ? "" : subscriptions.iterator().next().lastSentToken();
        return event("error", "{\"error\":\"slow consumer: reconnect with Last-Event-ID to continue\",\"resume_token\":\""
                + token + "\"}");
    }

    @Override
    public byte[] credentialExpired(Caller who, Collection<Subscription> subscriptions) {
        return event("error", "{\"error\":\"credential expired at " + who.expiresAt()
                + ": reconnect with a fresh token and Last-Event-ID to continue\"}");
    }

    private static byte[] event(String name, String json) {
        byte[] data = data(json);
        byte[] head = ("event:" + name + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + data.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(data, 0, bytes, head.length, data.length);
        return bytes;
    }

    /** {@code data:} lines for {@code text} and the blank line that ends the event. */
    static byte[] data(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16).append("data:");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                b.append("\ndata:");
            } else {
                b.append(c);
            }
        }
        return b.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One event for one subscriber, after its replay-gap notice if it has one. */
    private static final class Message extends Frame {
        private final byte[] gap;
        private final byte[] token;
        private final byte[] data;

        Message(Subscription subscription, String tokenText, byte[] gap, byte[] token, byte[] data) {
            super(subscription, tokenText);
            this.gap = gap;
            this.token = token;
            this.data = data;
        }

        @Override
        public int size() {
            return (gap == null ? 0 : gap.length) + ID.length + token.length + 1 + data.length;
        }

        @Override
        public int writeTo(byte[] out, int at) {
            if (gap != null) {
                System.arraycopy(gap, 0, out, at, gap.length);
                at += gap.length;
            }
            System.arraycopy(ID, 0, out, at, ID.length);
            at += ID.length;
            System.arraycopy(token, 0, out, at, token.length);
            at += token.length;
            out[at++] = '\n';
            System.arraycopy(data, 0, out, at, data.length);
            return at + data.length;
        }
    }
}
