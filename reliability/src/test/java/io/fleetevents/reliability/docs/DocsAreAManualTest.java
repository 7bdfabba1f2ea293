package io.fleetevents.reliability.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CONVENTIONS.md 16, "Docs are a manual": README.md and every docs/*.md describe what the product does, how to
 * configure it, its limits and its current figures — not how the work went. History lives in git.
 *
 * <p>The reliability suite's own table, which the suite writes into docs/reliability.md after its
 * {@code <!-- written by the reliability suite} line, is output, not prose, and is not read.
 */
class DocsAreAManualTest {

    private static final String GENERATED_TABLE = "<!-- written by the reliability suite";

    @Test
    void shouldDescribeTheProductRatherThanNarrateTheHistoryOfTheWork() throws IOException {
        Path root = repositoryRoot();
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
        }

        List<String> findings = new ArrayList<>();
        for (Path doc : docs) {
            findings.addAll(findingsIn(root.relativize(doc).toString(),
                    Files.readAllLines(doc, StandardCharsets.UTF_8)));
        }

        assertThat(findings)
                .as("docs are a manual (CONVENTIONS.md 16): describe the product, keep the history of the work in git."
                        + " Rewrite these lines")
                .isEmpty();
        assertThat(docs).as("docs read").hasSizeGreaterThan(2);
    }

    static Stream<Arguments> journalLines() {
        return Stream.of(
                Arguments.of("Session 4 found the JIT still compiling.", "a numbered work period"),
                Arguments.of("The tool warms up (the default since session 6).", "a numbered work period"),
                Arguments.of("in stop 12 we measured it again", "a numbered work period"),
                Arguments.of("Round 2 of the A/B gave 0.31.", "a numbered work period"),
                Arguments.of("measured again in the same session", "a work session"),
                Arguments.of("above the ~45,000 /s the issue expected here", "\"the issue\""),
                Arguments.of("The fault suite of issue 7", "an issue number"),
                Arguments.of("fixed in #7, see there", "an issue number"),
                Arguments.of("the previous code, alternating with this one", "a reference to earlier code"),
                Arguments.of("before this change it took 3 s", "a reference to earlier code"),
                Arguments.of("an earlier commit measured 0.29", "a reference to earlier code"),
                Arguments.of("\"before\" = commit `e0387b3`'s classes", "a commit hash"),
                Arguments.of("on a fresh clone of 51eda6b4c1f0", "a commit hash"),
                Arguments.of("decoding was 3.6 µs and now 1.6 µs", "\"was … now\""),
                Arguments.of("The figure is now the median of rounds 2..N.", "a change narrated (\"is now\")"),
                Arguments.of("The defaults were 2 × 60,000 until 2026-11-26.", "a dated change"));
    }

    @ParameterizedTest(name = "journal: {0}")
    @MethodSource("journalLines")
    void shouldFlagEachMarkerOfAWorkJournal(String line, String marker) {
        assertThat(JournalMarker.findIn(line)).anySatisfy(found -> assertThat(found).startsWith(marker + ":"));
    }

    @ParameterizedTest(name = "manual: {0}")
    @ValueSource(strings = {
            "\"event_id\": \"0b7d3c36-3f5e-5a8e-9a50-6c2b1f0d4e11\"",
            "the issuer's JSON Web Key Set (`jwk-set-uri`)",
            "sub-agents excluded, PR #21098",
            "See [poller](docs/poller.md#benchmark) and `-Dbench.rounds=5`.",
            "median of rounds 2..N; 1000000 card zones",
            "no sticky sessions; a STOMP session ends at `exp`",
            "an agent that was not already `disconnected` is reported",
            "`printf %s \"$TOKEN\" | sha256sum`"})
    void shouldLeaveProductDescriptionsAlone(String line) {
        assertThat(JournalMarker.findIn(line)).isEmpty();
    }

    @Test
    void shouldNotReadTheTableTheReliabilitySuiteWrites() {
        List<String> lines = List.of(
                GENERATED_TABLE + ", 2026-11-26T07:21:28Z -->",
                "| scenario | notes |",
                "| 2 broadcaster SIGKILL | round 2 made while down |",
                "",
                "Session 3 measured this.");

        assertThat(findingsIn("docs/reliability.md", lines))
                .containsExactly("docs/reliability.md:5: a numbered work period: 'Session 3' in \"Session 3 measured this.\"");
    }

    /** "file:line: marker: 'text' in "line"" for every marker on every line outside the suite's generated table. */
    private static List<String> findingsIn(String file, List<String> lines) {
        List<String> findings = new ArrayList<>();
        boolean inGeneratedTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(GENERATED_TABLE)) {
                inGeneratedTable = true;
                continue;
            }
            if (inGeneratedTable && line.startsWith("|")) {
                continue;
            }
            inGeneratedTable = false;
            for (String marker : JournalMarker.findIn(line)) {
                findings.add(file + ":" + (i + 1) + ": " + marker + " in \"" + line.strip() + "\"");
            }
        }
        return findings;
    }

    /**
     * The repository root: the nearest directory at or above the working directory (the module directory under
     * Surefire, the root when run from an IDE) with README.md, docs/ and the reactor pom that lists this module.
     */
    private static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))
                    && Files.isRegularFile(pom)
                    && Files.readString(pom, StandardCharsets.UTF_8).contains("<module>reliability</module>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (README.md, docs/, pom.xml listing reliability) at or above "
                + Path.of("").toAbsolutePath());
    }
}
