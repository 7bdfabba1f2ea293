package io.fleetevents.codersim.fleet;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@link Instant#toString()} without {@code DateTimeFormatter}: the simulator writes ~25 timestamps per workspace on
 * every request, and the formatter was a large share of rendering a 10,000-workspace list. Same text, character for
 * character (seconds always present, the fraction in groups of three digits and only when non-zero, {@code Z});
 * instants outside 1970–9999 go through {@link Instant#toString()}.
 */
final class Timestamps {

    /** 10000-01-01T00:00:00Z. */
    private static final long YEAR_10000 = 253_402_300_800L;

    private Timestamps() {
    }

    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds >= YEAR_10000) {
            return instant.toString();
        }
        int nanos = instant.getNano();
        long days = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted), proleptic Gregorian as
        // java.time is
        long z = days + 719_468;
        long era = z / 146_097;
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        byte[] out = new byte[30];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int end = 19;
        if (nanos > 0) {
            out[end++] = '.';
            if (nanos % 1_000_000 == 0) {
                digits(out, end, nanos / 1_000_000, 3);
                end += 3;
            } else if (nanos % 1000 == 0) {
                digits(out, end, nanos / 1000, 6);
                end += 6;
            } else {
                digits(out, end, nanos, 9);
                end += 9;
            }
        }
        out[end++] = 'Z';
        return new String(out, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static void digits(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
