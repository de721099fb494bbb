package dev.sage.cli;

import picocli.CommandLine;

import java.time.Duration;

/** Reads {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h} (or a bare number of seconds) for options. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
    /** {@code 3 s}, {@code 500 ms}. */
    static String show(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Durations are positive and at most a day: a deadline or an interval outside that is a typo. */
    @Override
    public Duration convert(String value) {
        Duration d = parse(value);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be more than 0 and at most a day");
        }
        return d;
    }

    private static Duration parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.endsWith("ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.endsWith("s")) {
                double secs = Double.parseDouble(v.substring(0, v.length() - 1));
                if (!Double.isFinite(secs) || Math.abs(secs) > 86_400 * 10) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is too long");
                }
                return Duration.ofMillis((long) (secs * 1000));
            }
            if (v.endsWith("m")) return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            if (v.endsWith("h")) return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (examples: 10s, 500ms, 2m)");
        }
    }
}
