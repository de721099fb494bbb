package dev.sage.render;

import dev.sage.diagnosis.Units;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadFamilies;
import dev.sage.snapshot.ThreadState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders an analysis as plain text for a terminal: the JVM, memory, threads, native memory, top classes, problems. */
public final class TextReport {
    private static final String UNNAMED = "(unnamed)";

    private TextReport() {}

    public static String render(Diagnosis diagnosis, JvmSnapshot snapshot, SnapshotDigest d, List<SnapshotReader.Read> reads) {
        StringBuilder out = new StringBuilder();
        out.append("Sage analysis of ").append(diagnosis.target()).append('\n');
        out.append(diagnosis.summary()).append("\n");
        diagnosis.notes().forEach(n -> out.append("  (").append(n).append(")\n"));
        out.append('\n');

        if (!diagnosis.findings().isEmpty()) {
            out.append("Findings:\n");
            for (var f : diagnosis.findings()) {
                out.append("  [").append(f.severity().label()).append("] ").append(f.title()).append("  (").append(f.id()).append(")\n");
                f.evidence().forEach(e -> out.append("      ").append(e).append('\n'));
                if (!f.fixes().isEmpty()) {
                    out.append("    fix:\n");
                    f.fixes().forEach(x -> out.append("      - ").append(x).append('\n'));
                }
            }
        }
        if (!diagnosis.findings().isEmpty()) {
            out.append('\n');
        }
        List<String> jvmParts = new ArrayList<>();
        jvmParts.add(diagnosis.jvm().isEmpty() ? "unknown (no VM.version or dump header)" : diagnosis.jvm());
        if (snapshot.pid() >= 0) {
            jvmParts.add("pid " + snapshot.pid());
        }
        if (snapshot.uptimeSeconds() != null) {
            jvmParts.add("up " + Units.duration(snapshot.uptimeSeconds()));
        }
        row(out, "JVM", String.join(", ", jvmParts));
        row(out, "Memory", memoryLine(d));
        threads(out, d);
        if (snapshot.profile() != null) {
            row(out, "Profile", ProfileText.summary(snapshot.profile()));
        }
        nativeMemory(out, d);
        topClasses(out, d);

        if (!diagnosis.notEvaluated().isEmpty()) {
            out.append("\nNot evaluated:\n");
            diagnosis.notEvaluated().forEach(n -> out.append("  ").append(CliWords.notEvaluated(n)).append('\n'));
        }
        if (!snapshot.problems().isEmpty()) {
            out.append("\nProblems:\n");
            for (Problem p : snapshot.problems()) {
                out.append("  ").append(p).append('\n');
            }
        }
        if (!reads.isEmpty()) {
            out.append("\nRead:\n");
        }
        for (SnapshotReader.Read r : reads) {
            out.append("  ").append(r.source()).append(": ")
                    .append(r.kinds().isEmpty() ? "nothing Sage can read"
                            : r.kinds().stream().map(k -> k.description()).collect(Collectors.joining(", ")))
                    .append('\n');
        }
        return out.toString();
    }

    private static void threads(StringBuilder out, SnapshotDigest d) {
        if (d.threadCount() == 0) {
            row(out, "Threads", "no thread dump");
            return;
        }
        String states = d.nonZeroStates().entrySet().stream()
                .map(e -> e.getValue() + " " + (e.getKey() == ThreadState.UNKNOWN ? "with no state printed"
                        : e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ')))
                .collect(Collectors.joining(", "));
        String series = d.threadCountSeries().size() > 1
                ? "  (" + d.threadCountSeries().size() + " dumps: "
                + d.threadCountSeries(" -> ") + ")"
                : "";
        row(out, "Threads", d.threadCount() + " threads: " + states + series);
        if (d.listedVirtualThreads() > 0) {
            row(out, "", d.listedVirtualThreads() + " of them virtual threads");
        }
        if (d.mountedVirtualThreads() > 0) {
            row(out, "", d.mountedVirtualThreads() + " carrier threads with a virtual thread mounted (Thread.print"
                    + " shows no unmounted virtual thread; Thread.dump_to_file lists them all)");
        }
        for (Deadlock cycle : d.deadlocks()) {
            row(out, "", "deadlock reported by the JVM: " + cycle.links().stream()
                    .map(l -> "\"" + l.thread() + "\" waits for " + (l.lock().className().isEmpty() ? "a lock"
                            : l.lock().className()) + " held by \"" + l.heldBy() + "\"")
                    .collect(Collectors.joining("; ")));
        }
        List<ThreadFamilies.Family> shown = d.families().stream().filter(f -> f.count() > 1)
                .limit(SnapshotDigest.TOP).toList();
        if (shown.isEmpty()) {
            return;
        }
        int rest = d.threadCount() - shown.stream().mapToInt(ThreadFamilies.Family::count).sum();
        List<String> labels = new ArrayList<>();
        shown.forEach(f -> labels.add(cut(f.pattern().isEmpty() ? UNNAMED : f.pattern(), 60)));
        int width = labels.stream().mapToInt(String::length).max().orElse(0);
        width = Math.max(width, rest > 0 ? "(other threads)".length() : 0);
        out.append("\nThread families:\n");
        for (int i = 0; i < shown.size(); i++) {
            out.append("  ").append(pad(labels.get(i), width)).append("  x").append(shown.get(i).count()).append('\n');
        }
        if (rest > 0) {
            out.append("  ").append(pad("(other threads)", width)).append("  x").append(rest).append('\n');
        }
    }

    private static void nativeMemory(StringBuilder out, SnapshotDigest d) {
        if (d.nativeMemory() instanceof NativeMemory.Summary nmt) {
            out.append("\nNative memory: ").append(Units.bytes(nmt.total().committedBytes())).append(" committed, ")
                    .append(Units.bytes(nmt.total().reservedBytes())).append(" reserved");
            if (nmt.diff()) {
                out.append(" (").append(Units.signedBytes(nmt.total().committedDeltaBytes()))
                        .append(" committed since the baseline); largest changes:\n");
            } else {
                out.append("; largest categories:\n");
            }
            for (NativeMemory.Category c : d.topNativeCategories()) {
                out.append(String.format(Locale.ROOT, "  %10s  %s", Units.bytes(c.amount().committedBytes()), c.name()));
                if (nmt.diff()) {
                    out.append("  (").append(Units.signedBytes(c.amount().committedDeltaBytes())).append(')');
                }
                out.append('\n');
            }
        } else if (d.nativeMemory() instanceof NativeMemory.NotEnabled) {
            out.append("\nNative memory: not tracked (the JVM runs without -XX:NativeMemoryTracking=summary, so native"
                    + " memory cannot be broken down)\n");
        }
    }

    private static void topClasses(StringBuilder out, SnapshotDigest d) {
        if (d.topClasses().isEmpty()) {
            return;
        }
        boolean series = d.histogramCount() > 1;
        out.append("\nTop classes by size (").append(Units.count(d.histogramClasses())).append(" classes, ")
                .append(Units.bytes(d.histogramBytes())).append(" in all")
                .append(series ? "; change over " + d.histogramCount() + " histograms" : "").append("):\n");
        out.append(String.format(Locale.ROOT, "  %10s %14s  %s%n", "size", "instances", "class"));
        for (SnapshotDigest.TopClass c : d.topClasses()) {
            out.append(String.format(Locale.ROOT, "  %10s %14s  %s", Units.bytes(c.bytes()), Units.count(c.instances()),
                    c.className()));
            if (c.bytesDelta() != null) {
                out.append("  (").append(Units.signedBytes(c.bytesDelta())).append(", ")
                        .append(c.instancesDelta() >= 0 ? "+" : "").append(Units.count(c.instancesDelta()))
                        .append(" instances)");
            }
            out.append('\n');
        }
    }

    /**
     * The whole report as the command line prints it: the report, what differs from the sibling when there is one,
     * and what each step cost. What "Show raw" attaches in chat too.
     */
    public static String full(Diagnosis diagnosis, JvmSnapshot snapshot, List<SnapshotReader.Read> reads) {
        return render(diagnosis, snapshot, SnapshotDigest.of(snapshot), reads)
                + ComparisonText.text(diagnosis.comparison().orElse(null)) + timings(diagnosis.timings());
    }

    /** What each step cost, as the last part of a report; empty when nothing was timed. */
    public static String timings(java.util.Map<String, Long> millis) {
        if (millis.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nTimings:\n");
        millis.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-28s %6d ms%n", k, v)));
        return sb.toString();
    }

    public static String memoryLine(SnapshotDigest d) {
        List<String> parts = new ArrayList<>();
        if (d.heapUsed() >= 0 || d.heapCommitted() >= 0) {
            parts.add("heap " + Units.bytes(d.heapUsed()) + " used / " + Units.bytes(d.heapCommitted()) + " committed / "
                    + (d.heapMax() > 0 ? Units.bytes(d.heapMax()) : "?") + " max"
                    + (d.collector().isEmpty() ? "" : " (" + d.collector() + ")"));
        } else {
            parts.add("heap unknown (no GC.heap_info)");
        }
        if (d.metaspace() >= 0) {
            parts.add("metaspace " + Units.bytes(d.metaspace())
                    + (d.metaspaceSource().equals("used") ? "" : " (" + d.metaspaceSource() + ")"));
        }
        parts.add(d.rss() >= 0 ? "RSS " + Units.bytes(d.rss()) : "RSS unknown");
        parts.add(!d.cgroupKnown() ? "container limit unknown"
                : d.containerLimit() >= 0 ? "container limit " + Units.bytes(d.containerLimit()) : "no container limit");
        return String.join("; ", parts);
    }

    private static void row(StringBuilder out, String label, String value) {
        out.append(pad(label, 8)).append(' ').append(value).append('\n');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
