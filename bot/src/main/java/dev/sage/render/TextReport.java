package dev.sage.render;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ThreadState;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadFamilies;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders an analysis as plain text for a terminal: the JVM, memory, threads, top classes, problems. */
public final class TextReport {
    private TextReport() {}

    public static String render(Diagnosis diagnosis, JvmSnapshot snapshot, List<SnapshotReader.Read> reads) {
        SnapshotDigest d = SnapshotDigest.of(snapshot);
        StringBuilder out = new StringBuilder();
        out.append("Sage analysis of ").append(diagnosis.target()).append('\n');
        out.append(diagnosis.summary()).append("\n\n");

        String jvm = diagnosis.jvm().isEmpty() ? "unknown (no VM.version or dump header)" : diagnosis.jvm();
        List<String> jvmParts = new ArrayList<>();
        jvmParts.add(jvm);
        if (snapshot.pid() >= 0) {
            jvmParts.add("pid " + snapshot.pid());
        }
        if (snapshot.uptimeSeconds() != null) {
            jvmParts.add("up " + Units.duration(snapshot.uptimeSeconds()));
        }
        row(out, "JVM", String.join(", ", jvmParts));
        row(out, "Memory", memoryLine(d));

        if (d.threadCount() > 0) {
            String states = d.nonZeroStates().entrySet().stream()
                    .map(e -> e.getValue() + " " + (e.getKey() == ThreadState.UNKNOWN ? "with no state printed"
                            : e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ')))
                    .collect(Collectors.joining(", "));
            String series = d.threadCountSeries().size() > 1
                    ? "  (" + d.threadCountSeries().size() + " dumps: "
                    + d.threadCountSeries().stream().map(String::valueOf).collect(Collectors.joining(" -> ")) + ")"
                    : "";
            row(out, "Threads", d.threadCount() + " threads: " + states + series);
            if (d.mountedVirtualThreads() > 0) {
                row(out, "", d.mountedVirtualThreads() + " virtual threads seen (a Thread.print dump shows only those"
                        + " mounted on a carrier; Thread.dump_to_file lists them all)");
            }
            for (Deadlock cycle : d.deadlocks()) {
                row(out, "", "deadlock reported by the JVM: " + cycle.links().stream()
                        .map(l -> "\"" + l.thread() + "\" waits for " + shortClass(l.lock().className()) + " held by \""
                                + l.heldBy() + "\"")
                        .collect(Collectors.joining("; ")));
            }
            List<ThreadFamilies.Family> shown = d.families().stream().filter(f -> f.count() > 1)
                    .limit(SnapshotDigest.TOP).toList();
            if (!shown.isEmpty()) {
                out.append('\n');
                row(out, "Thread families", "");
                int width = shown.stream().mapToInt(f -> f.pattern().length()).max().orElse(10);
                width = Math.min(width, 60);
                for (ThreadFamilies.Family f : shown) {
                    out.append("  ").append(pad(cut(f.pattern(), 60), width)).append("  x").append(f.count()).append('\n');
                }
                int rest = d.threadCount() - shown.stream().mapToInt(ThreadFamilies.Family::count).sum();
                if (rest > 0) {
                    out.append("  ").append(pad("(other threads)", width)).append("  x").append(rest).append('\n');
                }
            }
        } else {
            row(out, "Threads", "no thread dump");
        }

        if (d.nativeMemory() instanceof NativeMemory.Summary nmt) {
            out.append('\n');
            row(out, "Native memory", Units.bytes(nmt.total().committedBytes()) + " committed, "
                    + Units.bytes(nmt.total().reservedBytes()) + " reserved"
                    + (nmt.diff() ? " (" + Units.signedBytes(nmt.total().committedDeltaBytes()) + " committed since the baseline)" : "")
                    + (nmt.diff() ? "; largest changes:" : "; largest categories:"));
            for (NativeMemory.Category c : d.topNativeCategories()) {
                out.append(String.format(Locale.ROOT, "  %10s  %s", Units.bytes(c.amount().committedBytes()), c.name()));
                if (nmt.diff()) {
                    out.append("  (").append(Units.signedBytes(c.amount().committedDeltaBytes())).append(')');
                }
                out.append('\n');
            }
        } else if (d.nativeMemory() instanceof NativeMemory.NotEnabled) {
            out.append('\n');
            row(out, "Native memory", "not tracked: the JVM runs without -XX:NativeMemoryTracking=summary, so native"
                    + " memory cannot be broken down");
        }

        if (!d.topClasses().isEmpty()) {
            out.append('\n');
            boolean series = d.histogramCount() > 1;
            row(out, "Top classes", "by size, of " + Units.count(d.histogramClasses()) + " classes, "
                    + Units.bytes(d.histogramBytes()) + " in all"
                    + (series ? " (change over " + d.histogramCount() + " histograms)" : ""));
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

        if (!diagnosis.findings().isEmpty()) {
            out.append('\n');
            row(out, "Findings", "");
            diagnosis.findings().forEach(f -> out.append("  [").append(f.severity().label()).append("] ")
                    .append(f.title()).append('\n'));
        }
        if (!snapshot.problems().isEmpty()) {
            out.append('\n');
            row(out, "Problems", "");
            for (Problem p : snapshot.problems()) {
                out.append("  ").append(p).append('\n');
            }
        }
        out.append('\n');
        row(out, "Read", "");
        for (SnapshotReader.Read r : reads) {
            out.append("  ").append(r.source()).append(": ")
                    .append(r.kinds().isEmpty() ? "nothing Sage can read"
                            : r.kinds().stream().map(k -> k.description()).collect(Collectors.joining(", ")))
                    .append('\n');
        }
        return out.toString();
    }

    static String memoryLine(SnapshotDigest d) {
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
        parts.add(d.containerLimit() >= 0 ? "container limit " + Units.bytes(d.containerLimit())
                : "container limit none known");
        return String.join(" · ", parts);
    }

    private static void row(StringBuilder out, String label, String value) {
        if (value.isEmpty()) {
            out.append(label).append('\n');
        } else {
            out.append(pad(label, 8)).append(' ').append(value).append('\n');
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String shortClass(String className) {
        return className.isEmpty() ? "a lock" : className;
    }
}
