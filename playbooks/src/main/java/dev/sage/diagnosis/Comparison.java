package dev.sage.diagnosis;

import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ThreadFamilies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between a JVM and a healthy sibling of the same service: memory lines, thread families and
 * histogram classes, each with both figures, largest differences first. Pure.
 *
 * @param memory heap, metaspace, native memory, RSS and thread count, where both sides have the figure
 * @param threadFamilies families whose counts differ by at least 2x and 10 threads
 * @param classes histogram classes whose bytes differ by at least 1 MiB and 2x
 */
public record Comparison(List<Difference> memory, List<Difference> threadFamilies, List<Difference> classes) {
    public Comparison {
        memory = List.copyOf(memory);
        threadFamilies = List.copyOf(threadFamilies);
        classes = List.copyOf(classes);
    }

    /** One line: what, this JVM's figure, the sibling's figure. */
    public record Difference(String what, String jvm, String sibling) {}

    private static final int TOP = 10;

    public static Comparison of(JvmSnapshot jvm, JvmSnapshot sibling) {
        List<Difference> memory = new ArrayList<>();
        if (jvm.heap() != null && sibling.heap() != null) {
            memory.add(new Difference("heap used", Units.bytes(jvm.heap().usedBytes()), Units.bytes(sibling.heap().usedBytes())));
            memory.add(new Difference("heap committed", Units.bytes(jvm.heap().committedBytes()),
                    Units.bytes(sibling.heap().committedBytes())));
        }
        if (jvm.nativeMemory() instanceof NativeMemory.Summary a && sibling.nativeMemory() instanceof NativeMemory.Summary b) {
            memory.add(new Difference("native memory committed (NMT)", Units.bytes(a.total().committedBytes()),
                    Units.bytes(b.total().committedBytes())));
        }
        if (jvm.process() != null && sibling.process() != null) {
            memory.add(new Difference("RSS", Units.bytes(jvm.process().vmRssBytes()), Units.bytes(sibling.process().vmRssBytes())));
        }
        if (jvm.lastThreadDump() != null && sibling.lastThreadDump() != null) {
            memory.add(new Difference("threads", String.valueOf(jvm.lastThreadDump().threads().size()),
                    String.valueOf(sibling.lastThreadDump().threads().size())));
        }

        List<Difference> families = new ArrayList<>();
        if (jvm.lastThreadDump() != null && sibling.lastThreadDump() != null) {
            Map<String, Integer> a = counts(ThreadFamilies.of(jvm.lastThreadDump().threads()));
            Map<String, Integer> b = counts(ThreadFamilies.of(sibling.lastThreadDump().threads()));
            Set<String> all = new LinkedHashSet<>(a.keySet());
            all.addAll(b.keySet());
            all.stream()
                    .filter(f -> differ(a.getOrDefault(f, 0), b.getOrDefault(f, 0), 10))
                    .sorted((x, y) -> Integer.compare(Math.abs(a.getOrDefault(y, 0) - b.getOrDefault(y, 0)),
                            Math.abs(a.getOrDefault(x, 0) - b.getOrDefault(x, 0))))
                    .limit(TOP)
                    .forEach(f -> families.add(new Difference(f, String.valueOf(a.getOrDefault(f, 0)),
                            String.valueOf(b.getOrDefault(f, 0)))));
        }

        List<Difference> classes = new ArrayList<>();
        if (jvm.lastHistogram() != null && sibling.lastHistogram() != null) {
            Map<String, Long> a = bytes(jvm.lastHistogram());
            Map<String, Long> b = bytes(sibling.lastHistogram());
            Set<String> all = new LinkedHashSet<>(a.keySet());
            all.addAll(b.keySet());
            all.stream()
                    .filter(c -> differ(a.getOrDefault(c, 0L), b.getOrDefault(c, 0L), 1L << 20))
                    .sorted((x, y) -> Long.compare(Math.abs(a.getOrDefault(y, 0L) - b.getOrDefault(y, 0L)),
                            Math.abs(a.getOrDefault(x, 0L) - b.getOrDefault(x, 0L))))
                    .limit(TOP)
                    .forEach(c -> classes.add(new Difference(ClassHistogram.Row.readable(c),
                            Units.bytes(a.getOrDefault(c, 0L)), Units.bytes(b.getOrDefault(c, 0L)))));
        }
        return new Comparison(memory, families, classes);
    }

    /** At least {@code min} apart and one at least twice the other. */
    private static boolean differ(long a, long b, long min) {
        return Math.abs(a - b) >= min && (Math.max(a, b) >= 2 * Math.min(a, b));
    }

    private static Map<String, Integer> counts(List<ThreadFamilies.Family> families) {
        Map<String, Integer> m = new LinkedHashMap<>();
        families.forEach(f -> m.merge(f.pattern(), f.count(), Integer::sum));
        return m;
    }

    private static Map<String, Long> bytes(ClassHistogram h) {
        Map<String, Long> m = new LinkedHashMap<>();
        h.totalsByClass().forEach((c, t) -> m.put(c, t.bytes()));
        return m;
    }
}
