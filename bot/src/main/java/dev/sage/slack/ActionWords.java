package dev.sage.slack;

import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.Units;
import dev.sage.service.ActionResult;
import dev.sage.service.Report;
import dev.sage.service.SafeAction;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.ThreadDump;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What Slack shows of an action: the button under a report, the confirmation dialog that states what it costs the
 * target before anyone clicks, and the reply with the figures before and after. Pure.
 */
final class ActionWords {
    private ActionWords() {}

    /**
     * An action offered under a report, and its confirmation dialog (Block Kit limits: title 100, text 300, buttons 30).
     */
    record Offer(SafeAction action, String label, String title, String text, String confirm, boolean dangerous) {}

    /** The actions the report's findings suggest, among those offered, with what each costs this JVM. */
    static List<Offer> offers(Report report, Set<SafeAction> offered, Optional<String> heapDumpDir) {
        List<String> ids = report.diagnosis().findings().stream().map(Finding::id).toList();
        List<Offer> out = new ArrayList<>();
        HeapInfo heap = report.snapshot().heap();
        long used = heap == null ? -1 : heap.usedBytes();
        String usedNow = used < 0 ? "" : " (" + Units.bytes(used) + " used now)";
        String perGb = used < 0 ? "about 1 s per GB of heap" : "about 1 s per GB, so roughly "
                + Units.duration(Math.max(0.1, used / (double) (1L << 30))) + " here";
        for (SafeAction a : SafeAction.suggestedBy(ids)) {
            if (!offered.contains(a) || (a == SafeAction.HEAP_DUMP && heapDumpDir.isEmpty())) {
                continue;
            }
            out.add(switch (a) {
                case TRIM_NATIVE_HEAP -> new Offer(a, "Trim native heap", "Trim the native heap?",
                        "Runs System.trim_native_heap: glibc gives memory the JVM freed back to the OS. No safepoint:"
                                + " the JVM keeps running. Sage posts RSS before and after.", "Trim it", false);
                case GC_RUN -> new Offer(a, "Run a full GC", "Run a full GC?",
                        "Runs GC.run: a full, stop-the-world collection" + usedNow + ". The JVM stops for it: "
                                + perGb + "." + (fixedHeap(report) ? " -Xms equals -Xmx: the heap cannot shrink." : "")
                                + " Sage posts the pause, and heap and RSS before and after.", "Run it", true);
                case THREAD_DUMP -> new Offer(a, "Thread dump now", "Take a thread dump now?",
                        "Runs Thread.print: a safepoint of about a millisecond per hundred threads" + threads(report)
                                + ". The dump is attached here.", "Take it", false);
                case HEAP_DUMP -> new Offer(a, "Heap dump", "Write a heap dump?",
                        "Writes the live heap" + usedNow + " to a file on the target: a full GC, then the write, with the"
                                + " JVM stopped throughout: " + perGb + ". The disk needs as much free. Directory: "
                                + Mrkdwn.cut(heapDumpDir.get(), 60), "Write it", true);
            });
        }
        return out;
    }

    /** Whether the heap's initial size is its maximum: a collection frees space in it but cannot give any back. */
    private static boolean fixedHeap(Report report) {
        var flags = report.snapshot().flags();
        if (flags == null) {
            return false;
        }
        Optional<String> initial = flags.get("InitialHeapSize");
        return initial.isPresent() && initial.equals(flags.get("MaxHeapSize"));
    }

    private static String threads(Report report) {
        ThreadDump d = report.snapshot().lastThreadDump();
        return d == null ? "" : " (" + d.threads().size() + " threads here)";
    }

    /** What the progress message says while the action runs. */
    static String doing(SafeAction a, String target) {
        String t = "`" + Mrkdwn.code(target) + "`";
        return switch (a) {
            case TRIM_NATIVE_HEAP -> "Trimming the native heap of " + t + "…";
            case GC_RUN -> "Running a full GC on " + t + "…";
            case THREAD_DUMP -> "Taking a thread dump of " + t + "…";
            case HEAP_DUMP -> "Writing a heap dump of " + t + "…";
        };
    }

    /** The reply: what ran, what it changed, what it cost; or why it did not run. */
    static BlockKit.Message result(ActionResult r, String target, String who, String heapDumpFile) {
        String t = "`" + Mrkdwn.code(target) + "`";
        String by = who == null || who.isEmpty() ? "" : " (asked by " + dev.sage.access.Access.mention(who) + ")";
        if (r.failure().isPresent()) {
            return BlockKit.text(":warning: *" + name(r.action()) + "* did not run on " + t + by + ": "
                    + Mrkdwn.escape(Mrkdwn.cut(r.failure().get(), 500)));
        }
        StringBuilder out = new StringBuilder();
        out.append(icon(r.action())).append(" *").append(name(r.action())).append("* on ").append(t).append(by);
        if (r.action() == SafeAction.THREAD_DUMP) {
            ThreadDump d = r.report().snapshot().lastThreadDump();
            out.append(d == null ? ": the dump is attached." : ": " + d.threads().size() + " threads; the dump is attached.");
            return BlockKit.text(out.toString());
        }
        out.append(":");
        List<String> lines = new ArrayList<>();
        change("RSS", r.rssBefore(), r.rssAfter()).ifPresent(lines::add);
        change("heap committed", r.heapCommittedBefore(), r.heapCommittedAfter()).ifPresent(lines::add);
        r.gcPauseSeconds().ifPresent(s -> lines.add("the JVM's collectors ran for " + millis(s) + " (its own counters)"));
        r.millis().ifPresent(ms -> lines.add("the command took " + ms + " ms, attach included"));
        if (r.action() == SafeAction.HEAP_DUMP) {
            lines.add("written on the target to `" + Mrkdwn.code(heapDumpFile) + "`; copy it from there (kubectl cp, scp):"
                    + " Sage does not download heap dumps");
        }
        lines.forEach(l -> out.append("\n• ").append(l));
        r.answer().filter(a -> !a.isBlank()).ifPresent(a -> out.append("\n> ").append(Mrkdwn.escape(Mrkdwn.cut(
                a.lines().limit(3).reduce((x, y) -> x + " / " + y).orElse(""), 300))));
        return BlockKit.text(out.toString());
    }

    private static Optional<String> change(String what, OptionalLong before, OptionalLong after) {
        if (before.isEmpty() || after.isEmpty()) {
            return Optional.empty();
        }
        long d = after.getAsLong() - before.getAsLong();
        return Optional.of(what + " " + Units.bytes(before.getAsLong()) + " → " + Units.bytes(after.getAsLong())
                + " (" + Units.signedBytes(d) + ")");
    }

    private static String millis(double seconds) {
        return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    }

    static String name(SafeAction a) {
        return switch (a) {
            case TRIM_NATIVE_HEAP -> "System.trim_native_heap";
            case GC_RUN -> "Full GC (GC.run)";
            case THREAD_DUMP -> "Thread dump";
            case HEAP_DUMP -> "Heap dump (GC.heap_dump)";
        };
    }

    private static String icon(SafeAction a) {
        return switch (a) {
            case TRIM_NATIVE_HEAP -> ":scissors:";
            case GC_RUN -> ":recycle:";
            case THREAD_DUMP -> ":camera:";
            case HEAP_DUMP -> ":floppy_disk:";
        };
    }
}
