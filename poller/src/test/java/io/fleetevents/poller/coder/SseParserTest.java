package io.fleetevents.poller.coder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream framing Coder's watch uses (coderd/httpapi ServerSentEventSender), fed in awkward pieces. */
class SseParserTest {

    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser((type, data) -> events.add(type + "|" + data), 1024);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDispatchCodersPingThenDataThenError() {
        parser.feed(utf8("event: ping\n\nevent: data\ndata: {\"id\":\"w1\"}\n\n"
                + "event: error\ndata: {\"message\":\"Internal error fetching workspace.\",\"detail\":\"x\"}\n\n"));

        assertThat(events).containsExactly("ping|", "data|{\"id\":\"w1\"}",
                "error|{\"message\":\"Internal error fetching workspace.\",\"detail\":\"x\"}");
    }

    @Test
    void shouldJoinAnEventSplitAcrossChunksAnywhereEvenInsideAUtf8Character() {
        byte[] whole = utf8("event: data\ndata: {\"name\":\"büro\"}\n\n");

        for (int i = 0; i < whole.length; i++) {
            parser.feed(new byte[] {whole[i]});
        }

        assertThat(events).containsExactly("data|{\"name\":\"büro\"}");
    }

    @Test
    void shouldNotDispatchAPartialEventUntilItsBlankLine() {
        parser.feed(utf8("event: data\ndata: {\"id\""));
        assertThat(events).isEmpty();

        parser.feed(utf8(":\"w1\"}\n"));
        assertThat(events).isEmpty();

        parser.feed(utf8("\n"));
        assertThat(events).containsExactly("data|{\"id\":\"w1\"}");
    }

    @Test
    void shouldAcceptCrLfAndLoneCrLineEndsIncludingACrLfSplitBetweenChunks() {
        parser.feed(utf8("event: ping\r"));
        parser.feed(utf8("\n\r\nevent: data\rdata: 1\r\r"));

        assertThat(events).containsExactly("ping|", "data|1");
    }

    @Test
    void shouldJoinDataLinesIgnoreCommentsAndUnknownFieldsAndDefaultTheType() {
        parser.feed(utf8(": keep-alive\nid: 7\nretry: 100\ndata: a\ndata:b\n\n\n\n"));

        assertThat(events).containsExactly("message|a\nb");
    }

    @Test
    void shouldRefuseAnEventLargerThanTheLimitWithAClearError() {
        assertThatThrownBy(() -> parser.feed(utf8("event: data\ndata: " + "x".repeat(2000) + "\n\n")))
                .isInstanceOf(SseParser.FrameTooLargeException.class)
                .hasMessageContaining("larger than 1024 bytes");
        assertThat(events).isEmpty();
    }
}
