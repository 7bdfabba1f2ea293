package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.outbox.Codec;
import io.fleetevents.broadcaster.outbox.Frame;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * STOMP frames of the outbox. A {@code MESSAGE} is the delivery's shared parts ({@link #HEAD}, {@link #BODY}: built
 * once per event) around what is particular to one subscriber (subscription id, token, replay-gap notice), copied
 * together only when written.
 */
final class StompCodec implements Codec {

    static final String DESTINATION = "/topic/events";

    private static final byte[] MESSAGE_SUBSCRIPTION = "MESSAGE\nsubscription:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLAY_GAP = "replay-gap:true\nreplay-earliest:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEARTBEAT = StompFrames.HEARTBEAT.getBytes(StandardCharsets.US_ASCII);

    /**
     * The part of a {@code MESSAGE} that is the same for every subscriber, from the end of the {@code subscription}
     * header value up to {@code resume-token:} (UTF-8): {@code message-id}, {@code destination}, {@code content-type},
     * {@code event-type}, {@code severity}, {@code event-id}, {@code content-length}.
     */
    static final Delivery.Encoding<byte[]> HEAD = Delivery.Encoding.of(delivery -> {
        StringBuilder b = new StringBuilder(200);
        b.append("\nmessage-id:").append(delivery.partition()).append('-').append(delivery.offset())
                .append("\ndestination:" + DESTINATION + "\ncontent-type:application/json\nevent-type:")
                .append(delivery.route().eventType().name()).append("\nseverity:")
                .append(delivery.route().severity().name()).append('\n');
        if (delivery.route().eventId() != null) {
            b.append("event-id:").append(StompFrames.escapeHeader(delivery.route().eventId())).append('\n');
        }
        b.append("content-length:").append(delivery.value().length).append("\nresume-token:");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    });

    /** The end of a {@code MESSAGE}: blank line, the event JSON exactly as on the topic, NUL. */
    static final Delivery.Encoding<byte[]> BODY = Delivery.Encoding.of(delivery -> {
        byte[] value = delivery.value();
        byte[] bytes = new byte[value.length + 2];
        bytes[0] = '\n';
        System.arraycopy(value, 0, bytes, 1, value.length);
        bytes[bytes.length - 1] = 0;
        return bytes;
    });

    @Override
    public Frame message(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
        byte[] id = (byte[]) subscription.attachment();
        if (id == null) {
            id = StompFrames.escapeHeader(subscription.id()).getBytes(StandardCharsets.UTF_8);
            subscription.attach(id);
        }
        byte[] tokenBytes = token == delivery.token() ? delivery.tokenBytes() : token.getBytes(StandardCharsets.US_ASCII);
        byte[] gap = replayEarliest == null ? null : StompFrames.escapeHeader(replayEarliest).getBytes(StandardCharsets.UTF_8);
        return new Message(subscription, id, delivery.encoded(HEAD), tokenBytes, gap, delivery.encoded(BODY), token);
    }

    @Override
    public byte[] heartbeat() {
        return HEARTBEAT;
    }

    @Override
    public byte[] replayFailed(Subscription subscription, String reason) {
        return error("subscription " + subscription.id() + ": " + reason, null);
    }

    /** An ERROR frame naming the problem (STOMP closes the connection after it). */
    static byte[] error(String message, String receiptId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("message", message.length() > 200 ? message.substring(0, 200) : message);
        headers.put("receipt-id", receiptId);
        return StompFrames.frameBytes("ERROR", headers, message);
    }

    @Override
    public byte[] slowConsumer(Collection<Subscription> subscriptions, OutboxLimits limits) {
        return resumeError("slow consumer: more than " + limits.maxFrames() + " frames or " + limits.maxBytes()
                + " bytes queued; reconnect and SUBSCRIBE with resume-token to continue", subscriptions);
    }

    @Override
    public byte[] credentialExpired(Caller who, Collection<Subscription> subscriptions) {
        return resumeError("credential expired at " + who.expiresAt()
                + ": reconnect with a fresh token and SUBSCRIBE with resume-token to continue", subscriptions);
    }

    /** The last ERROR of a connection the server ends, with each subscription's resume token. */
    private static byte[] resumeError(String message, Collection<Subscription> subscriptions) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("message", message);
        StringJoiner all = new StringJoiner(",");
        String first = null;
        String firstId = null;
        for (Subscription subscription : subscriptions) {
            String token = subscription.lastSentToken();
            if (first == null) {
                first = token;
                firstId = subscription.id();
            }
            all.add(subscription.id() + "=" + token);
        }
        headers.put("subscription", firstId);
        headers.put("resume-token", first);
        headers.put("resume-tokens", all.toString());
        return StompFrames.frameBytes("ERROR", headers, message);
    }

    /** A {@code MESSAGE} for one subscriber; {@link #size()} is exact. */
    private static final class Message extends Frame {
        private final byte[] subscriptionId;
        private final byte[] head;
        private final byte[] token;
        private final byte[] gap;
        private final byte[] body;
        private final int size;

        Message(Subscription subscription, byte[] subscriptionId, byte[] head, byte[] token, byte[] gap, byte[] body,
                String tokenText) {
            super(subscription, tokenText);
            this.subscriptionId = subscriptionId;
            this.head = head;
            this.token = token;
            this.gap = gap;
            this.body = body;
            this.size = MESSAGE_SUBSCRIPTION.length + subscriptionId.length + head.length + token.length + 1
                    + (gap == null ? 0 : REPLAY_GAP.length + gap.length + 1) + body.length;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int writeTo(byte[] out, int at) {
            at = put(out, at, MESSAGE_SUBSCRIPTION);
            at = put(out, at, subscriptionId);
            at = put(out, at, head);
            at = put(out, at, token);
            out[at++] = '\n';
            if (gap != null) {
                at = put(out, at, REPLAY_GAP);
                at = put(out, at, gap);
                out[at++] = '\n';
            }
            return put(out, at, body);
        }

        private static int put(byte[] out, int at, byte[] part) {
            System.arraycopy(part, 0, out, at, part.length);
            return at + part.length;
        }
    }
}
