package dev.sage.render;

import dev.sage.diagnosis.Units;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadFamilies;
import dev.sage.snapshot.ThreadState;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a diagnosis as the text of a Slack reply (mrkdwn): a bold summary, the key figures as bullets,
 * thread families and top classes in code blocks, then problems. Slack caps a message's text, so lists are
 * kept short.
 */
public final class SlackText {
    private SlackText() {}

    public static String render(Diagnosis diagnosis, JvmSnapshot snapshot, SnapshotDigest d) {
        StringBuilder out = new StringBuilder();
        out.append("*").append(escape(diagnosis.target())).append("*: ").append(escape(diagnosis.summary())).append('\n');
        diagnosis.notes().forEach(n -> out.append("_").append(escape(n)).append("_\n"));
        for (var f : diagnosis.findings()) {
            String icon = switch (f.severity()) {
                case CRITICAL -> ":red_circle:";
                case WARNING -> ":large_orange_circle:";
                case INFO -> ":information_source:";
            };
            out.append(icon).append(" *").append(escape(f.title())).append("*\n");
            f.evidence().stream().limit(4).forEach(e -> out.append("   ").append(escape(e.length() > 300 ? e.substring(0, 297) + "..." : e)).append('\n'));
            if (!f.fixes().isEmpty()) {
                out.append("   _Fix:_ ").append(escape(f.fixes().get(0))).append('\n');
            }
        }
        if (!diagnosis.jvm().isEmpty()) {
            out.append("• JVM: ").append(escape(diagnosis.jvm()))
                    .append(snapshot.uptimeSeconds() == null ? "" : ", up " + Units.duration(snapshot.uptimeSeconds()))
                    .append('\n');
        }
        out.append("• Memory: ").append(escape(TextReport.memoryLine(d))).append('\n');
        if (d.threadCount() > 0) {
            String states = d.nonZeroStates().entrySet().stream().filter(e -> e.getKey() != ThreadState.UNKNOWN)
                    .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(", "));
            out.append("• Threads: ").append(d.threadCount()).append(" (").append(states).append(')');
            if (d.threadCountSeries().size() > 1) {
                out.append(", over ").append(d.threadCountSeries().size()).append(" dumps: ")
                        .append(d.threadCountSeries(" → "));
            }
            out.append('\n');
        }
        for (Deadlock cycle : d.deadlocks()) {
            out.append("• :rotating_light: deadlock reported by the JVM: ")
                    .append(escape(String.join(" → ", cycle.threadNames()))).append('\n');
        }
        if (d.nativeMemory() instanceof NativeMemory.Summary nmt) {
            out.append("• Native memory: ").append(Units.bytes(nmt.total().committedBytes())).append(" committed")
                    .append(nmt.diff() ? " (" + Units.signedBytes(nmt.total().committedDeltaBytes()) + " since baseline)" : "")
                    .append('\n');
        }
        List<ThreadFamilies.Family> families = d.families().stream().filter(f -> f.count() > 1).limit(5).toList();
        if (!families.isEmpty()) {
            out.append("*Thread families*\n```\n");
            int width = families.stream().mapToInt(f -> Math.min(50, f.pattern().length())).max().orElse(0);
            for (ThreadFamilies.Family f : families) {
                String name = f.pattern().isEmpty() ? "(unnamed)" : f.pattern();
                name = name.length() > 50 ? name.substring(0, 47) + "..." : name;
                out.append(name).append(" ".repeat(Math.max(0, width - name.length()))).append("  ×").append(f.count()).append('\n');
            }
            out.append("```\n");
        }
        if (!d.topClasses().isEmpty()) {
            out.append("*Top classes*\n```\n");
            for (SnapshotDigest.TopClass c : d.topClasses().subList(0, Math.min(5, d.topClasses().size()))) {
                out.append(String.format(Locale.ROOT, "%10s %12s  %s", Units.bytes(c.bytes()), Units.count(c.instances()), c.className()));
                if (c.bytesDelta() != null) {
                    out.append("  (").append(Units.signedBytes(c.bytesDelta())).append(')');
                }
                out.append('\n');
            }
            out.append("```\n");
        }
        if (!diagnosis.notEvaluated().isEmpty()) {
            out.append("_Not evaluated: ").append(escape(diagnosis.notEvaluated().stream().map(CliWords::notEvaluated).collect(Collectors.joining("; ")))).append("_\n");
        }
        if (!snapshot.problems().isEmpty()) {
            out.append("*Problems*\n");
            for (Problem p : snapshot.problems().subList(0, Math.min(10, snapshot.problems().size()))) {
                out.append("• ").append(escape(p.toString())).append('\n');
            }
        }
        return out.toString();
    }

    /** Slack mrkdwn needs only {@code &}, {@code <} and {@code >} escaped. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
