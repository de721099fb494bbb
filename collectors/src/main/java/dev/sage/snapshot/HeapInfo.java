package dev.sage.snapshot;

import java.util.List;

/**
 * {@code GC.heap_info} (or the {@code Heap} section a JDK 8 thread dump ends with). Sizes are bytes;
 * a size the output does not print is -1.
 *
 * @param collector the collector the output's layout belongs to
 * @param reservedBytes the heap's reserved size (JDK 21+ G1 and Parallel print it, ZGC's max capacity), or -1
 * @param committedBytes the heap's committed size ({@code total}, {@code capacity}), or -1
 * @param usedBytes the heap's used size, or -1
 * @param spaces generations, spaces or region summaries, in print order
 * @param metaspace the {@code Metaspace} line, or null (JDK 25 prints none: take it from native memory)
 * @param classSpace the {@code class space} line, or null
 */
public record HeapInfo(GarbageCollector collector, long reservedBytes, long committedBytes, long usedBytes,
                       List<Space> spaces, Space metaspace, Space classSpace) {
    public HeapInfo {
        spaces = List.copyOf(spaces);
    }

    private static final java.util.regex.Pattern G1_YOUNG = java.util.regex.Pattern.compile("(\\d+) young \\((\\d+)K\\)");

    /**
     * What is live, as far as one {@code GC.heap_info} tells: "used" counts young garbage on a busy JVM, so for G1 the
     * young regions are taken off, and for Parallel and Serial the old generation is taken. Other collectors: used.
     * An upper bound of the live set; -1 when used is unknown.
     */
    public long liveEstimateBytes() {
        if (usedBytes < 0) {
            return -1;
        }
        for (Space s : spaces) {
            String name = s.name().strip();
            if (name.equals("region size")) {
                java.util.regex.Matcher m = G1_YOUNG.matcher(s.detail());
                if (m.find()) {
                    return Math.max(0, usedBytes - Long.parseLong(m.group(2)) * 1024);
                }
            }
            if ((name.equals("ParOldGen") || name.equals("PSOldGen") || name.equals("tenured generation"))
                    && s.usedBytes() >= 0) {
                return s.usedBytes();
            }
        }
        return usedBytes;
    }

    /**
     * A generation, space or metaspace line. Sizes are bytes, -1 when not printed.
     *
     * @param name as printed, e.g. {@code PSYoungGen}, {@code eden space}, {@code region size}, {@code Metaspace}
     * @param capacityBytes {@code total}/{@code capacity}/{@code committed}, or -1
     * @param usedBytes {@code used}, or -1
     * @param reservedBytes {@code reserved}, or -1
     * @param detail the rest of the line worth keeping (e.g. {@code 1 young (1024K), 0 survivors (0K)}), or empty
     */
    public record Space(String name, long capacityBytes, long usedBytes, long reservedBytes, String detail) {
        public Space {
            detail = detail == null ? "" : detail;
        }
    }
}
