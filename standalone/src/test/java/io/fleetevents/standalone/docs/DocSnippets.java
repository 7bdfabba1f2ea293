package io.fleetevents.standalone.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the code block that follows {@code <!-- snippet:NAME -->} in docs/clients.md. */
public final class DocSnippets {

    private DocSnippets() {
    }

    public static String block(String name) throws IOException {
        String doc = Files.readString(Path.of("../docs/clients.md"));
        int marker = doc.indexOf("<!-- snippet:" + name + " -->");
        if (marker < 0) {
            throw new IllegalStateException("docs/clients.md has no snippet:" + name + " marker");
        }
        int start = doc.indexOf('\n', doc.indexOf("```", marker)) + 1;
        int end = doc.indexOf("\n```", start);
        return doc.substring(start, end).stripTrailing();
    }
}
