package io.fleetevents.schemas;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Fast parsing of RFC 3339 timestamps. The common form — UTC, {@code Z}, 0 to 9 fraction digits, as Coder and
 * this project write them ({@code 2026-03-02T09:14:30.123456Z}) — is parsed by hand, in a few dozen nanoseconds;
 * everything else (offsets, lower-case separators, leap seconds, garbage) goes to {@link Instant#parse} /
 * {@link OffsetDateTime#parse}, about a microsecond, which decide. An impossible date such as February 30th is never
 * accepted by the fast path.
 */
public final class Rfc3339 {

    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private Rfc3339() {
    }

    /** Microseconds since the epoch; throws {@link IllegalArgumentException} when {@code text} is no RFC 3339 time. */
    public static long toEpochMicros(String text) {
        Instant instant = toInstant(text);
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /** The instant of an RFC 3339 text; throws {@link IllegalArgumentException} when it is none. */
    public static Instant toInstant(String text) {
        Instant fast = utcOrNull(text);
        return fast != null ? fast : parse(text);
    }

    /**
     * The instant of {@code text} when it has the common UTC form {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} and is a valid
     * time; {@code null} for anything else (which may still be valid RFC 3339: ask {@link #toInstant}).
     */
    public static Instant utcOrNull(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        int end = length - 1;
        if (end > 19) {
            if (text.charAt(19) != '.' || end == 20) {
                return null;
            }
            int scale = 100_000_000;
            for (int i = 20; i < end; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                nanos += (c - '0') * scale;
                scale /= 10;
            }
        }
        long days = daysFromCivil(year, month, day);
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static Instant parse(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException("not an RFC 3339 timestamp: '" + text + "'", again);
            }
        }
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
            return 29;
        }
        return DAYS_IN_MONTH[month - 1];
    }

    // Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }
}
