package io.fleetevents.standalone.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/clients.md shows the Java client exactly as JavaClientExample runs it, so the doc cannot rot. */
class ClientDocsTest {

    @Test
    void shouldShowTheJavaSnippetExactlyAsTheTestedExampleRunsIt() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/fleetevents/standalone/docs/JavaClientExample.java"));
        String region = source.substring(source.indexOf("// snippet:java:start\n") + "// snippet:java:start\n".length(),
                source.indexOf("        // snippet:java:end"));
        String dedented = Arrays.stream(region.split("\n", -1))
                .map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .collect(Collectors.joining("\n")).stripTrailing();

        assertThat(DocSnippets.block("java")).isEqualTo(dedented);
    }

    @Test
    void shouldShowAJavaScriptSnippetThatUsesTheDocumentedProtocol() throws IOException {
        String js = DocSnippets.block("js");

        assertThat(js).contains("/api/events/subscribe", "passcode", "resume-token", "/topic/events");
    }
}
