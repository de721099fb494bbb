package dev.sage.diagnosis;


import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadFamilies;
import dev.sage.snapshot.ThreadState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures a person looks at first, computed once from a snapshot and shared by the text and JSON
 * renderers: memory in one line, threads by state, thread families, the top histogram rows.
 */
public record SnapshotDigest(
        long heapUsed, long heapCommitted, long heapMax, String collector, long metaspace, String metaspaceSource,
        long rss, long containerLimit, int threadCount, Map<ThreadState, Integer> threadsByState,
        List<Integer> threadCountSeries, List<ThreadFamilies.Family> families, List<Deadlock> deadlocks,
        int histogramClasses, long histogramBytes, List<TopClass> topClasses, int histogramCount,
        int mountedVirtualThreads, int listedVirtualThreads, NativeMemory nativeMemory,
        List<NativeMemory.Category> topNativeCategories, boolean cgroupKnown) {

    /** How many families and classes a digest keeps. */
    public static final int TOP = 10;

    /**
     * A histogram row, with its change since the first histogram when there are several.
     *
     * @param bytesDelta change in bytes since the first histogram, or null with only one
     * @param instancesDelta change in instances since the first histogram, or null with only one
     */
    public record TopClass(String className, long instances, long bytes, Long instancesDelta, Long bytesDelta) {}

    public static SnapshotDigest of(JvmSnapshot s) {
        HeapInfo heap = s.heap();
        long used = heap == null ? -1 : heap.usedBytes();
        long committed = heap == null ? -1 : heap.committedBytes();
        long max = s.flags() != null && s.flags().maxHeapSize().isPresent() ? s.flags().maxHeapSize().getAsLong()
                : heap == null ? -1 : heap.reservedBytes();
        String collector = heap != null ? heap.collector().displayName()
                : s.flags() != null ? s.flags().gc().displayName() : "";

        long metaspace = -1;
        String metaSource = "";
        if (heap != null && heap.metaspace() != null && heap.metaspace().usedBytes() >= 0) {
            metaspace = heap.metaspace().usedBytes();
            metaSource = "used";
        } else if (s.nativeMemory() instanceof NativeMemory.Summary nmt) {
            var cat = nmt.category("Metaspace").or(() -> nmt.category("Class"));
            if (cat.isPresent()) {
                metaspace = cat.get().amount().committedBytes();
                metaSource = "committed, from native memory";
            }
        }

        long rss = s.process() == null ? -1 : s.process().vmRssBytes();
        long limit = s.cgroup() == null ? -1 : s.cgroup().limitBytes();

        ThreadDump last = s.lastThreadDump();
        int threadCount = last == null ? 0 : last.threads().size();
        Map<ThreadState, Integer> byState = last == null ? Map.of() : last.countByState();
        List<Integer> series = s.threadDumps().stream().map(d -> d.threads().size()).toList();
        List<ThreadFamilies.Family> families = last == null ? List.of() : ThreadFamilies.of(last.threads());
        List<Deadlock> deadlocks = last == null ? List.of() : last.deadlocks();

        ClassHistogram h = s.lastHistogram();
        List<TopClass> top = new ArrayList<>();
        if (h != null) {
            boolean histogramSeries = s.histograms().size() > 1;
            Map<String, ClassHistogram.Totals> first = histogramSeries ? s.histograms().get(0).totalsByClass() : Map.of();
            h.totalsByClass().entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()))
                    .limit(TOP)
                    .forEach(e -> {
                        ClassHistogram.Totals now = e.getValue();
                        ClassHistogram.Totals then = first.getOrDefault(e.getKey(), ClassHistogram.Totals.NONE);
                        top.add(new TopClass(ClassHistogram.Row.readable(e.getKey()), now.instances(), now.bytes(),
                                histogramSeries ? now.instances() - then.instances() : null,
                                histogramSeries ? now.bytes() - then.bytes() : null));
                    });
        }
        List<NativeMemory.Category> topNative = List.of();
        if (s.nativeMemory() instanceof NativeMemory.Summary nmt) {
            java.util.Comparator<NativeMemory.Category> order = nmt.diff()
                    ? java.util.Comparator.comparingLong((NativeMemory.Category c) -> Math.abs(c.amount().committedDeltaBytes()))
                    : java.util.Comparator.comparingLong((NativeMemory.Category c) -> c.amount().committedBytes());
            topNative = nmt.categories().stream().sorted(order.reversed()).limit(5).toList();
        }
        return new SnapshotDigest(used, committed, max, collector, metaspace, metaSource, rss, limit, threadCount,
                byState, series, families, deadlocks, h == null ? 0 : h.rows().size(), h == null ? 0 : h.totalBytes(),
                top, s.histograms().size(),
                last == null ? 0 : (int) last.threads().stream().filter(t -> t.carried() != null).count(),
                last == null ? 0 : (int) last.threads().stream().filter(t -> t.virtual()).count(),
                s.nativeMemory(), topNative, s.cgroup() != null);
    }

    /** The JVM and its figures in one line, for the summary: {@code 31 threads (2 blocked); heap 8.0 MiB of 128 MiB}. */
    public String summaryLine() {
        List<String> parts = new ArrayList<>();
        if (threadCount > 0) {
            int blocked = threadsByState.getOrDefault(ThreadState.BLOCKED, 0);
            parts.add(threadCount + " threads" + (blocked > 0 ? " (" + blocked + " blocked)" : ""));
        }
        if (!deadlocks.isEmpty()) {
            parts.add(deadlocks.size() + " deadlock" + (deadlocks.size() > 1 ? "s" : "") + " reported by the JVM");
        }
        if (heapUsed >= 0) {
            parts.add("heap " + Units.bytes(heapUsed) + " used" + (heapMax > 0 ? " of " + Units.bytes(heapMax) : ""));
        }
        if (rss >= 0) {
            parts.add("RSS " + Units.bytes(rss));
        }
        if (nativeMemory instanceof NativeMemory.Summary nmt) {
            parts.add("native memory " + Units.bytes(nmt.total().committedBytes()) + " committed"
                    + (nmt.diff() ? " (" + Units.signedBytes(nmt.total().committedDeltaBytes()) + " since the baseline)" : ""));
        }
        if (histogramCount > 0 && !topClasses.isEmpty()) {
            parts.add("largest class " + topClasses.get(0).className() + " " + Units.bytes(topClasses.get(0).bytes()));
        }
        return String.join("; ", parts);
    }

    /**
     * The thread counts of the dumps joined by {@code arrow}; a long series shows its first and last five around an
     * ellipsis, so that 5,000 dumps do not print as one 30 KB line.
     */
    public String threadCountSeries(String arrow) {
        List<String> counts = threadCountSeries.stream().map(String::valueOf).toList();
        if (counts.size() <= 12) {
            return String.join(arrow, counts);
        }
        return String.join(arrow, counts.subList(0, 5)) + arrow + "\u2026" + arrow
                + String.join(arrow, counts.subList(counts.size() - 5, counts.size()));
    }

    /** Counts by state with zero states left out, in {@link ThreadState} order. */
    public Map<ThreadState, Integer> nonZeroStates() {
        Map<ThreadState, Integer> m = new LinkedHashMap<>();
        threadsByState.forEach((k, v) -> {
            if (v > 0) {
                m.put(k, v);
            }
        });
        return m;
    }
}
