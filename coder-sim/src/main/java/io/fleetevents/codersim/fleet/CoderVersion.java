package io.fleetevents.codersim.fleet;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Coder release the simulator behaves as, where releases differ in what a poller sees. {@code minor} is the
 * {@code 2.x} of a release; {@link #MAIN} is Coder's main branch after Tasks were removed.
 *
 * <ul>
 *   <li>Tasks API: none before 2.26; 2.26–2.28 the experimental list {@code /api/experimental/tasks} (task id = workspace
 *       id, {@code status} a WorkspaceStatus, {@code prompt}, an empty query lists only the caller's tasks); from 2.29
 *       the GA list {@code /api/v2/tasks}; on main both paths answer 404.</li>
 *   <li>AgentAPI turns (Coder PR #22286, merged 2026-02-24, first in 2.31): a finished turn is {@code complete} or
 *       {@code failure} from the agent, then AgentAPI's {@code idle} shortly after. Before, the agent could report only
 *       {@code working | idle | failure}: a finished turn is {@code working} then {@code idle}.</li>
 *   <li>{@code apps[].statuses}: newest first ({@code created_at DESC, id DESC}) from 2.31, oldest first before
 *       (the list had no ORDER BY; rows come back in insertion order). Taken with the same release as the AgentAPI
 *       change.</li>
 * </ul>
 *
 * @param minor the {@code x} of {@code v2.x}; ignored for main
 * @param main  Coder's main branch (Tasks removed)
 */
public record CoderVersion(int minor, boolean main) {

    /** The newest release with Tasks: the default. */
    public static final CoderVersion LATEST = new CoderVersion(36, false);
    /** Coder main after the Tasks removal. */
    public static final CoderVersion MAIN = new CoderVersion(Integer.MAX_VALUE, true);

    private static final Pattern RELEASE = Pattern.compile("v?2\\.(\\d{1,3})(\\.\\d+)?");

    public CoderVersion {
        if (!main && (minor < 21 || minor > 99)) {
            throw new IllegalArgumentException("coder-version must be v2.21 or later, 'latest' or 'main', was v2." + minor);
        }
    }

    /**
     * Parses {@code latest}, {@code main}, {@code v2.28}, {@code 2.29.1}.
     *
     * @throws IllegalArgumentException naming the key {@code coder-version}
     */
    public static CoderVersion parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("latest")) {
            return LATEST;
        }
        if (value.equals("main")) {
            return MAIN;
        }
        Matcher m = RELEASE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("coder-version must be 'latest', 'main' or a release like v2.28, was '"
                    + text + "'");
        }
        return new CoderVersion(Integer.parseInt(m.group(1)), false);
    }

    /** Which Tasks list a release serves. */
    public enum TasksApi { NONE, EXPERIMENTAL, GA }

    public TasksApi tasksApi() {
        if (main || minor < 26) {
            return TasksApi.NONE;
        }
        return minor < 29 ? TasksApi.EXPERIMENTAL : TasksApi.GA;
    }

    /** Whether the agent's own {@code complete}/{@code failure} reaches Coder, followed by AgentAPI's {@code idle}. */
    public boolean agentReportsTurnEnd() {
        return main || minor >= 31;
    }

    /** Whether {@code apps[].statuses} lists the newest status first. */
    public boolean statusesNewestFirst() {
        return main || minor >= 31;
    }

    /** What {@code /api/v2/buildinfo} reports. */
    public String buildVersion() {
        return main ? "v2.37.0-devel+sim" : "v2." + minor + ".0+sim";
    }

    @Override
    public String toString() {
        return main ? "main" : "v2." + minor;
    }
}
