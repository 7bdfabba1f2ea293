package io.fleetevents.broadcaster;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BroadcasterArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/io/fleetevents/broadcaster");

    /**
     * Frame text of the transports as it is written in Java source: STOMP commands and headers, SSE fields. None of
     * it belongs in a transport-neutral package.
     */
    private static final List<String> FRAME_TEXT = List.of("MESSAGE\\n", "CONNECTED", "RECEIPT", "ERROR\\n",
            "destination:", "subscription:", "content-type:", "content-length:", "message-id:", "resume-token:",
            "receipt-id:", "/topic/", "data:", "id:", "event:", "retry:", "\\0");

    private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fleetevents.broadcaster");

    @Test
    void shouldKeepFeaturePackagesFreeOfCycles() {
        slices().matching("io.fleetevents.broadcaster.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldKeepFanOutOutboxAndReplayIndependentOfTransports() {
        noClasses().that().resideInAnyPackage("..broadcaster.fanout..", "..broadcaster.outbox..",
                        "..broadcaster.replay..", "..broadcaster.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("..broadcaster.stomp..", "..broadcaster.http..",
                        "org.springframework.web..", "org.springframework.messaging..", "jakarta.websocket..",
                        "jakarta.servlet..", "org.apache.tomcat..")
                .check(classes);
    }

    @Test
    void shouldKeepEveryTransportsFrameTextOutOfFanOutAndTheOutbox() {
        List<String> found = new ArrayList<>();
        found.addAll(frameText(SOURCES.resolve("fanout")));
        found.addAll(frameText(SOURCES.resolve("outbox")));

        assertThat(found).as("frame text in a transport-neutral package (it belongs in a transport's codec)").isEmpty();
    }

    @Test
    void shouldRecogniseFrameTextWhereItBelongs() {
        assertThat(frameText(SOURCES.resolve("stomp"))).as("the scan finds STOMP's frame text in its codec")
                .anyMatch(hit -> hit.startsWith("StompCodec.java") && hit.contains("destination:"));
        assertThat(frameText(SOURCES.resolve("http"))).as("the scan finds SSE's frame text in its codec")
                .anyMatch(hit -> hit.startsWith("SseCodec.java") && hit.contains("data:"));
    }

    @Test
    void shouldNeverOpenUpPrivateMembersByReflection() {
        JavaClasses everything = new ClassFileImporter().importPackages("io.fleetevents");

        noClasses().should().callMethodWhere(describe("setAccessible",
                        (JavaAccess<?> call) -> call.getTarget().getName().equals("setAccessible")))
                .orShould().callMethodWhere(describe("trySetAccessible",
                        (JavaAccess<?> call) -> call.getTarget().getName().equals("trySetAccessible")))
                .check(everything);
    }

    @Test
    void shouldFindNoSetAccessibleInAnyModulesSources() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("pom.xml")).as("run from the broadcaster module of the repository").exists();
        Pattern call = Pattern.compile("\\.(try)?[sS]etAccessible\\s*\\(");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !root.relativize(file).toString().contains("target/"))
                    .filter(file -> root.relativize(file).toString().contains("src/"))
                    .forEach(file -> {
                        if (call.matcher(read(file)).find()) {
                            found.add(root.relativize(file).toString());
                        }
                    });
        }

        assertThat(found).as("sources that open up private members by reflection").isEmpty();
    }

    /** The string literals under {@code directory} that contain frame text, as {@code File.java: "literal"}. */
    private static List<String> frameText(Path directory) {
        assertThat(directory).isDirectory();
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                Matcher literal = STRING_LITERAL.matcher(COMMENT.matcher(read(file)).replaceAll(""));
                while (literal.find()) {
                    for (String text : FRAME_TEXT) {
                        if (literal.group(1).contains(text)) {
                            hits.add(directory.relativize(file) + ": \"" + literal.group(1) + "\"");
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hits;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
