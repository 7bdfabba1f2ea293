package io.fleetevents.reliability.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The suite's published result: one row per scenario and transport, printed and written as Markdown. */
public final class ResultTable {

    /** One row; {@code recovery} is null where the scenario has no fault to recover from. */
    public record Row(String scenario, String transport, Tally tally, Duration recovery, String note) {
    }

    private final List<Row> rows = new ArrayList<>();

    public synchronized void add(String scenario, String transport, Tally tally, Duration recovery, String note) {
        rows.add(new Row(scenario, transport, tally, recovery, note));
        System.out.println("[reliability] " + line(rows.get(rows.size() - 1)));
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| scenario | transport | expected | delivered | missing | duplicated | false | recovery | notes |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        // numbered scenarios first, in issue order, then the bad-input, fuzz and security checks
        rows.stream().sorted(java.util.Comparator.comparing(Row::scenario))
                .forEach(row -> out.append(line(row)).append('\n'));
        return out.toString();
    }

    private static String line(Row row) {
        Tally t = row.tally();
        String recovery = row.recovery() == null ? "—" : String.format("%.1f s", row.recovery().toMillis() / 1000.0);
        return "| " + row.scenario() + " | " + row.transport() + " | " + t.expected() + " | " + t.delivered() + " | "
                + t.missing() + " | " + t.duplicated() + " | " + t.falseEvents() + " | " + recovery + " | "
                + (row.note() == null ? "" : row.note()) + " |";
    }

    /** Prints the table and writes it to {@code file} with a header naming when and how it was produced. */
    public synchronized void write(Path file, Duration suiteTime) {
        String text = "<!-- written by the reliability suite, " + Instant.now() + ", suite time "
                + suiteTime.toSeconds() + " s -->\n" + markdown();
        System.out.println(text);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
