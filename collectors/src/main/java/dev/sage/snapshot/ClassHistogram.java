package dev.sage.snapshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A class histogram ({@code GC.class_histogram}, {@code jmap -histo}, {@code -XX:+PrintClassHistogram}).
 *
 * @param rows the rows in rank order (largest by bytes first, as the JVM prints them)
 * @param totalInstances the {@code Total} line's instance count, or the sum of the rows when no Total was printed
 * @param totalBytes the {@code Total} line's bytes, or the sum of the rows when no Total was printed
 * @param hasTotalLine whether the text ended with a {@code Total} line (no Total usually means a cut-off capture)
 */
public record ClassHistogram(List<Row> rows, long totalInstances, long totalBytes, boolean hasTotalLine) {
    public ClassHistogram {
        rows = List.copyOf(rows);
    }

    /** Instances and bytes of one class name, all its rows together. */
    public record Totals(long instances, long bytes) {
        public static final Totals NONE = new Totals(0, 0);

        Totals plus(Totals other) {
            return new Totals(instances + other.instances(), bytes + other.bytes());
        }
    }

    /**
     * The totals of each class name whose name {@code wanted} accepts, in row order. One name can have several
     * rows, one per class loader (the class-loader leak case): they are summed.
     */
    public Map<String, Totals> totalsByClass(Predicate<String> wanted) {
        Map<String, Totals> m = new LinkedHashMap<>();
        for (Row r : rows) {
            if (wanted.test(r.className())) {
                m.merge(r.className(), new Totals(r.instances(), r.bytes()), Totals::plus);
            }
        }
        return m;
    }

    /** The totals of every class name, in row order. */
    public Map<String, Totals> totalsByClass() {
        return totalsByClass(c -> true);
    }

    /**
     * @param rank the {@code num} column
     * @param instances {@code #instances}
     * @param bytes {@code #bytes}
     * @param className the class, as the JVM spells it ({@code [B}, {@code java.util.HashMap$Node})
     * @param module the module column ({@code java.base@17.0.5}), or empty when not printed
     */
    public record Row(int rank, long instances, long bytes, String className, String module) {
        public Row {
            module = module == null ? "" : module;
        }

        /** The class name in source form: {@code byte[]} for {@code [B}, {@code java.lang.Object[]} for {@code [Ljava.lang.Object;}. */
        public String readableClassName() {
            return readable(className);
        }

        /** {@code byte[]} for {@code [B}: the source form of a JVM class name. */
        public static String readable(String jvmClassName) {
            return ClassNames.readable(jvmClassName);
        }
    }
}
