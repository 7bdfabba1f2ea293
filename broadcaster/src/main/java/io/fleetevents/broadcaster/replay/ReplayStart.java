package io.fleetevents.broadcaster.replay;

import io.fleetevents.schemas.InvalidResumeTokenException;
import io.fleetevents.schemas.ResumeToken;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Where a subscription starts: live (now), after a resume token, at a time, or at the start of retention.
 *
 * @param token  the resume token, or null
 * @param from   the time, or null
 * @param earliest whether to start at the start of retention
 */
public record ReplayStart(ResumeToken token, Instant from, boolean earliest) {

    /** Start live. */
    public static final ReplayStart LIVE = new ReplayStart(null, null, false);

    public boolean isLive() {
        return token == null && from == null && !earliest;
    }

    /**
     * Parses the {@code resume-token} and {@code replay-from} inputs (either may be null or blank, not both set).
     *
     * @throws InvalidReplayException naming what to fix
     */
    public static ReplayStart parse(String resumeToken, String replayFrom) {
        boolean hasToken = resumeToken != null && !resumeToken.isBlank();
        boolean hasFrom = replayFrom != null && !replayFrom.isBlank();
        if (hasToken && hasFrom) {
            throw new InvalidReplayException("send either resume-token or replay-from, not both");
        }
        if (hasToken) {
            try {
                return new ReplayStart(ResumeToken.decode(resumeToken.trim()), null, false);
            } catch (InvalidResumeTokenException e) {
                throw new InvalidReplayException(e.getMessage());
            }
        }
        if (hasFrom) {
            String text = replayFrom.trim();
            if (text.equalsIgnoreCase("earliest")) {
                return new ReplayStart(null, null, true);
            }
            try {
                return new ReplayStart(null, Instant.parse(text), false);
            } catch (DateTimeParseException e) {
                throw new InvalidReplayException("replay-from '" + text
                        + "' is neither 'earliest' nor an RFC 3339 UTC time such as 2025-10-27T14:00:00Z");
            }
        }
        return LIVE;
    }
}
