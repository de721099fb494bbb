package dev.sage.config;

import java.time.Duration;
import java.util.Locale;

/** Reads {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h} (or a bare number of seconds) for options and configuration. Pure. */
public final class Durations {
    private Durations() {}

    /** {@code 3 s}, {@code 500 ms}. */
    public static String show(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * A positive duration of at most a day: a deadline or an interval outside that is a typo.
     *
     * @throws IllegalArgumentException with the message to show
     */
    public static Duration parse(String value) {
        Duration d = read(value);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("'" + value + "' must be more than 0 and at most a day");
        }
        return d;
    }

    /**
     * A number of days ({@code 90d}) from 1 to 3650: how long a history is kept.
     *
     * @throws IllegalArgumentException with the message to show
     */
    public static Duration days(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(v.endsWith("d") ? v.substring(0, v.length() - 1) : v);
            if (n >= 1 && n <= 3650) {
                return Duration.ofDays(n);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + value + "' is not a number of days from 1 to 3650 (e.g. 90d)");
    }

    private static Duration read(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) {
                double secs = Double.parseDouble(v.substring(0, v.length() - 1));
                if (!Double.isFinite(secs) || Math.abs(secs) > 86_400 * 10) {
                    throw new IllegalArgumentException("'" + value + "' is too long");
                }
                return Duration.ofMillis((long) (secs * 1000));
            }
            if (v.endsWith("m")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            if (v.endsWith("h")) return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (examples: 10s, 500ms, 2m)");
        }
    }
}
