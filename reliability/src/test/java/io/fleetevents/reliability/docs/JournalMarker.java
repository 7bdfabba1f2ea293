package io.fleetevents.reliability.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kind of wording by which a document narrates how the work went instead of describing the product: numbered
 * work periods, references to the issue or to earlier code, commit hashes used as baselines, "was … now …".
 */
enum JournalMarker {

    NUMBERED_WORK_PERIOD("a numbered work period", "\\b(session|stop|round)\\s+#?\\d+\\b", true),
    WORK_SESSION("a work session", "\\b(this|previous|earlier|next|last|same) session\\b", true),
    THE_ISSUE("\"the issue\"", "\\bthe issue\\b", true),
    ISSUE_NUMBER("an issue number", "\\bissue\\s+#?\\d+\\b", true),
    // "#7"; a pull request of another project ("Coder PR #21098") is where a behaviour comes from, not our history
    HASH_NUMBER("an issue number", "(?<!PR )(?<![\\w/&])#\\d+\\b", true),
    EARLIER_CODE("a reference to earlier code",
            "\\b(previous code|old code|before this change|after this change|earlier commit)\\b", true),
    // lower-case hex with a digit and a letter, not part of a UUID, path or URL
    COMMIT_HASH("a commit hash",
            "(?<![\\w\\-./:])(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}(?![\\w\\-])", false),
    WAS_NOW("\"was … now\"", "\\bwas\\b(?:(?![.;:]\\s).){0,60}?\\bnow\\b", true),
    IS_NOW("a change narrated (\"is now\")", "\\b(is|are|were|was) now\\b", true),
    DATED_CHANGE("a dated change", "\\b(until|since) \\d{4}-\\d\\d-\\d\\d\\b", true);

    private final String description;
    private final Pattern pattern;

    JournalMarker(String description, String regex, boolean ignoreCase) {
        this.description = description;
        this.pattern = Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    }

    String description() {
        return description;
    }

    /** Every marker in one line of text, as "description: 'matched text'". */
    static List<String> findIn(String line) {
        List<String> found = new ArrayList<>();
        for (JournalMarker marker : values()) {
            Matcher matcher = marker.pattern.matcher(line);
            while (matcher.find()) {
                found.add(marker.description + ": '" + matcher.group() + "'");
            }
        }
        return found;
    }
}
