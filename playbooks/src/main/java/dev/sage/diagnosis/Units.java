package dev.sage.diagnosis;

import java.util.Locale;

/** Formats sizes and durations the way an SRE reads them: {@code 3.2 MiB}, {@code 1 d 8 h}, {@code 3,000,000}. */
public final class Units {
    private Units() {}

    public static String bytes(long b) {
        if (b < 0) {
            return "?";
        }
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    public static String signedBytes(long b) {
        return (b >= 0 ? "+" : "-") + bytes(Math.abs(b));
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = (long) seconds;
        long d = s / 86_400;
        long h = (s % 86_400) / 3600;
        long m = (s % 3600) / 60;
        if (d > 0) {
            return d + " d " + h + " h";
        }
        if (h > 0) {
            return h + " h " + m + " min";
        }
        return m + " min " + (s % 60) + " s";
    }
}
