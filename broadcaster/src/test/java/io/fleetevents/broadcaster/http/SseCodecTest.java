package io.fleetevents.broadcaster.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.LivePosition;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.outbox.Frame;
import io.fleetevents.broadcaster.outbox.OutboxLimits;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.SubscriptionFilter;
import io.fleetevents.testing.Events;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/** Each SSE frame the codec writes is, byte for byte, what Spring's {@code SseEmitter.event()} writes for it. */
class SseCodecTest {

    private static final SseCodec CODEC = new SseCodec();
    private static final Subscription SUBSCRIPTION = new Subscription("sse-1", SubscriptionFilter.ALL,
            TokenScope.wholeFleet(), (s, d, t, g) -> { }, new LivePosition(new long[] {0}));
    private static final Caller EXPIRING = new Caller("jwt:alice", TokenScope.wholeFleet(), Instant.parse("2026-01-01T00:00:00Z"));

    static Stream<Arguments> frames() {
        return Stream.of(
                row("an event: id is its token, data its JSON",
                        () -> text(CODEC.message(SUBSCRIPTION, delivery("{\"a\":1}"), "tok-1", null)),
                        SseEmitter.event().id("tok-1").data("{\"a\":1}", MediaType.APPLICATION_JSON)),
                row("line breaks in the JSON continue on data: lines",
                        () -> text(CODEC.message(SUBSCRIPTION, delivery("{\n\"a\":1,\r\n\"b\":\"x\"\r}"), "tok-2", null)),
                        SseEmitter.event().id("tok-2").data("{\n\"a\":1,\r\n\"b\":\"x\"\r}", MediaType.APPLICATION_JSON)),
                row("a replay gap is its own event, before the first event after it",
                        () -> text(CODEC.message(SUBSCRIPTION, delivery("{}"), "tok-3", "tok-0")),
                        SseEmitter.event().name("replay-gap").data("{\"replay_gap\":true,\"replay_earliest\":\"tok-0\"}",
                                MediaType.APPLICATION_JSON),
                        SseEmitter.event().id("tok-3").data("{}", MediaType.APPLICATION_JSON)),
                row("the heart-beat is a comment",
                        () -> new String(CODEC.heartbeat(), StandardCharsets.UTF_8),
                        SseEmitter.event().comment("keep-alive")),
                row("a failed replay is an error event (quotes made single)",
                        () -> new String(CODEC.replayFailed(SUBSCRIPTION, "Kafka said \"no\""), StandardCharsets.UTF_8),
                        SseEmitter.event().name("error").data("{\"error\":\"Kafka said 'no'\"}", MediaType.APPLICATION_JSON)),
                row("a slow consumer gets an error event with its resume token",
                        () -> new String(CODEC.slowConsumer(List.of(SUBSCRIPTION), limits()), StandardCharsets.UTF_8),
                        SseEmitter.event().name("error").data("{\"error\":\"slow consumer: reconnect with Last-Event-ID to "
                                + "continue\",\"resume_token\":\"" + SUBSCRIPTION.lastSentToken() + "\"}", MediaType.APPLICATION_JSON)),
                row("an expired credential is an error event naming the expiry",
                        () -> new String(CODEC.credentialExpired(EXPIRING, List.of(SUBSCRIPTION)), StandardCharsets.UTF_8),
                        SseEmitter.event().name("error").data("{\"error\":\"credential expired at 2026-01-01T00:00:00Z: "
                                + "reconnect with a fresh token and Last-Event-ID to continue\"}", MediaType.APPLICATION_JSON)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void shouldWriteWhatSpringsSseEmitterWrites(String rule, Supplier<String> codec, List<SseEventBuilder> spring) {
        StringBuilder expected = new StringBuilder();
        for (SseEventBuilder event : spring) {
            Set<DataWithMediaType> parts = event.build();
            parts.forEach(part -> expected.append(part.getData()));
        }

        assertThat(codec.get()).as(rule).isEqualTo(expected.toString());
    }

    private static Arguments row(String rule, Supplier<String> codec, SseEventBuilder... spring) {
        return Arguments.of(rule, codec, List.of(spring));
    }

    private static Delivery delivery(String json) {
        EventRoute route = EventRoute.of(Events.of(EventType.AGENT_FAILURE, "alice/ws.main").build());
        return new Delivery(0, 7, route, json.getBytes(StandardCharsets.UTF_8), new long[] {8});
    }

    private static String text(Frame frame) {
        byte[] bytes = new byte[frame.size()];
        int end = frame.writeTo(bytes, 0);
        assertThat(end).as("size() is exact").isEqualTo(bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static OutboxLimits limits() {
        return new OutboxLimits(16, 65_536, 1024, 0, 4, 65_536);
    }
}
