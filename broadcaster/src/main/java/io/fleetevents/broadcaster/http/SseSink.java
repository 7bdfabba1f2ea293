package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.outbox.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * An SSE response: each write is the frames' text, written and flushed by the emitter (a blocking write, so the
 * outbox pumps it on a thread of its own).
 */
final class SseSink implements Sink {

    private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

    private final SseEmitter emitter;

    SseSink(SseEmitter emitter) {
        this.emitter = emitter;
    }

    @Override
    public void send(byte[] bytes, int length, Completion done) {
        try {
            emitter.send(Set.of(new ResponseBodyEmitter.DataWithMediaType(new String(bytes, 0, length, StandardCharsets.UTF_8), TEXT)));
        } catch (IOException | IllegalStateException e) {
            done.completed(e);
            return;
        }
        done.completed(null);
    }

    /**
     * A clean close completes the response. A failed stream is left to the container, which reports it through the
     * emitter's error and completion callbacks (the controller releases the connection there).
     */
    @Override
    public void close(boolean clean) {
        if (clean) {
            emitter.complete();
        }
    }
}
