package dev.sage.parse;

import dev.sage.snapshot.PerfCounters;

import java.util.HashMap;
import java.util.Map;

/**
 * Parses {@code PerfCounter.print} ({@code sun.gc.collector.0.invocations=12}, strings in double quotes). Keeps
 * the counters {@link PerfCounters} names and drops the rest: system properties, the command line and the JVM's
 * arguments may hold secrets. Pure.
 */
public final class PerfCounterParser {
    private PerfCounterParser() {}

    /** The counters read; {@code sun.rt.jvmCapabilities} says whether the JVM accepts attach (its first digit). */
    private static final String[] KEPT = {"sun.gc.", "sun.os.hrt.", "java.cls.", "sun.cls.", "java.threads.",
        "sun.rt.jvmCapabilities"};

    public static PerfCounters parse(String text) {
        Map<String, String> values = new HashMap<>();
        int lineNo = 0;
        int counters = 0;
        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || Lines.isPidLine(line)) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || !line.substring(0, eq).matches("[A-Za-z][\\w.$-]*")) {
                if (counters == 0) {
                    throw new CaptureFormatException(lineNo, raw, "PerfCounter.print should print name=value lines");
                }
                continue; // a log line after the counters
            }
            counters++;
            String name = line.substring(0, eq);
            if (kept(name)) {
                String value = line.substring(eq + 1);
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(name, value);
            }
        }
        if (counters == 0) {
            throw new CaptureFormatException(0, "", "PerfCounter.print printed no counters");
        }
        return new PerfCounters(values);
    }

    /** The text with only the kept counters: what may be attached to a reply. */
    public static String publicPart(String text) {
        StringBuilder sb = new StringBuilder();
        for (String raw : Lines.of(text)) {
            String line = raw.strip();
            int eq = line.indexOf('=');
            if (Lines.isPidLine(line) || (eq > 0 && kept(line.substring(0, eq)))) {
                sb.append(raw).append('\n');
            }
        }
        return sb.toString();
    }

    static boolean kept(String name) {
        for (String k : KEPT) {
            if (name.startsWith(k)) {
                return true;
            }
        }
        return false;
    }
}
