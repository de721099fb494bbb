package dev.sage.parse;

import dev.sage.snapshot.GarbageCollector;
import dev.sage.snapshot.HeapInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code GC.heap_info} of G1, Parallel, Serial, CMS, ZGC (both modes) and Shenandoah, JDK 8 to 25,
 * and the {@code Heap} section printed after a JDK 8 thread dump. Pure.
 */
public final class HeapInfoParser {
    private HeapInfoParser() {}

    public static HeapInfo parse(String text) {
        GarbageCollector gc = GarbageCollector.UNKNOWN;
        long reserved = -1;
        long committed = -1;
        long used = -1;
        long genCommitted = 0;
        long genUsed = 0;
        long genReserved = 0;
        boolean generations = false;
        List<HeapInfo.Space> spaces = new ArrayList<>();
        HeapInfo.Space metaspace = null;
        HeapInfo.Space classSpace = null;
        boolean sawHeapLine = false;
        int lineNo = 0;
        boolean inShenandoah = false;

        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || Lines.isPidLine(line) || line.equals("Heap")) {
                continue;
            }
            if (line.startsWith("garbage-first heap")) {
                gc = GarbageCollector.G1;
                sawHeapLine = true;
                long total = Fields.size(line, "total ");
                long totalReserved = Fields.size(line, "reserved ");
                long comm = Fields.size(line, "committed ");
                used = orMinus(Fields.size(line, "used "));
                if (totalReserved != Fields.ABSENT) {
                    reserved = totalReserved;
                    committed = orMinus(comm);
                } else {
                    committed = orMinus(total);
                    reserved = addressSpan(line);
                }
            } else if (line.startsWith("region size")) {
                spaces.add(new HeapInfo.Space("region size", orMinus(Fields.size(line, "region size ")), -1, -1,
                        afterFirstComma(line)));
            } else if (isGeneration(line)) {
                sawHeapLine = true;
                generations = true;
                String name = nameOf(line);
                if (gc == GarbageCollector.UNKNOWN || gc == GarbageCollector.SERIAL) {
                    gc = collectorOfGeneration(name, gc);
                }
                long total = orMinus(Fields.size(line, "total "));
                long u = orMinus(Fields.size(line, "used "));
                long span = addressSpan(line);
                spaces.add(new HeapInfo.Space(name, total, u, span, ""));
                if (!isPermGen(name)) {
                    genCommitted += Math.max(0, total);
                    genUsed += Math.max(0, u);
                    genReserved += Math.max(0, span);
                }
            } else if (line.contains(" space ") && line.contains("% used")) {
                // eden space 33280K, 40% used [...]
                String name = line.substring(0, line.indexOf(" space ") + 6).replaceAll(" +", " ");
                long cap = orMinus(Sizes.parse(line, line.indexOf(" space ") + 7, line.indexOf(',') < 0 ? line.length() : line.indexOf(',')));
                long pct = percent(line);
                spaces.add(new HeapInfo.Space(name, cap, cap >= 0 && pct >= 0 ? cap * pct / 100 : -1, -1, pct + "% used"));
            } else if (line.startsWith("Shenandoah Heap")) {
                gc = GarbageCollector.SHENANDOAH;
                sawHeapLine = true;
                inShenandoah = true;
            } else if (inShenandoah && line.contains(" max,") && line.contains(" committed")) {
                // 128M max, 128M soft max, 128M committed, 9472K used
                for (String part : line.split(",")) {
                    String p = part.strip();
                    int sp = p.indexOf(' ');
                    if (sp < 0) {
                        continue;
                    }
                    long v = Sizes.parse(p, 0, sp);
                    String what = p.substring(sp + 1);
                    if (v == Long.MIN_VALUE) {
                        continue;
                    }
                    switch (what) {
                        case "max" -> reserved = v;
                        case "committed" -> committed = v;
                        case "used" -> used = v;
                        default -> { }
                    }
                }
            } else if (inShenandoah && line.endsWith("regions") && line.contains(" x ")) {
                spaces.add(new HeapInfo.Space("regions", -1, -1, -1, line));
            } else if (line.startsWith("ZHeap")) {
                gc = GarbageCollector.ZGC;
                sawHeapLine = true;
                used = orMinus(Fields.size(line, "used "));
                committed = orMinus(Fields.size(line, "capacity "));
                reserved = orMinus(Fields.size(line, "max capacity "));
            } else if (gc == GarbageCollector.ZGC && (line.startsWith("Cache ") || line.startsWith("size classes"))) {
                // only generational ZGC (JDK 24+ layout) prints its page cache here
                gc = GarbageCollector.ZGC_GENERATIONAL;
                spaces.add(new HeapInfo.Space(line.startsWith("Cache") ? "Cache" : "size classes",
                        -1, -1, -1, line.substring(line.indexOf(' ')).strip()));
            } else if (line.startsWith("Metaspace") && line.contains("used ")) {
                metaspace = metaLine("Metaspace", line);
            } else if (line.startsWith("class space") && line.contains("used ")) {
                classSpace = metaLine("class space", line);
            } else if (line.startsWith("Epsilon Heap")) {
                gc = GarbageCollector.EPSILON;
                sawHeapLine = true;
            }
        }
        if (!sawHeapLine) {
            String first = Lines.of(text).stream().filter(l -> !l.isBlank() && !Lines.isPidLine(l.strip())).findFirst().orElse("");
            int at = Lines.of(text).indexOf(first) + 1;
            throw new CaptureFormatException(at, first, "not a GC.heap_info output: no heap line found");
        }
        if (generations && committed < 0) {
            committed = genCommitted;
            used = genUsed;
            reserved = genReserved > 0 ? genReserved : -1;
        }
        return new HeapInfo(gc, reserved, committed, used, spaces, metaspace, classSpace);
    }

    private static boolean isGeneration(String line) {
        return line.startsWith("PSYoungGen") || line.startsWith("PSOldGen") || line.startsWith("ParOldGen")
                || line.startsWith("PSPermGen") || line.startsWith("def new generation") || line.startsWith("DefNew")
                || line.startsWith("tenured generation") || line.startsWith("Tenured")
                || line.startsWith("par new generation") || line.startsWith("concurrent mark-sweep generation")
                || line.startsWith("concurrent-mark-sweep perm gen") || line.startsWith("compacting perm gen");
    }

    private static boolean isPermGen(String name) {
        return name.contains("Perm") || name.contains("perm gen");
    }

    private static GarbageCollector collectorOfGeneration(String name, GarbageCollector current) {
        if (name.startsWith("PS") || name.startsWith("ParOld")) return GarbageCollector.PARALLEL;
        if (name.startsWith("par new") || name.startsWith("concurrent")) return GarbageCollector.CMS;
        if (name.startsWith("def new") || name.startsWith("DefNew") || name.startsWith("tenured") || name.startsWith("Tenured")) {
            return GarbageCollector.SERIAL;
        }
        return current;
    }

    private static String nameOf(String line) {
        int total = line.indexOf(" total ");
        return (total < 0 ? line : line.substring(0, total)).strip();
    }

    private static HeapInfo.Space metaLine(String name, String line) {
        long cap = Fields.size(line, "committed ");
        return new HeapInfo.Space(name, orMinus(cap), orMinus(Fields.size(line, "used ")),
                orMinus(Fields.size(line, "reserved ")), "");
    }

    /** reserved bytes from {@code [low, high)} or {@code [low, committed_high, reserved_high)}. */
    private static long addressSpan(String line) {
        int open = line.lastIndexOf('[');
        int close = line.indexOf(')', Math.max(open, 0));
        if (open < 0 || close < 0) {
            return -1;
        }
        String[] parts = line.substring(open + 1, close).split(",");
        if (parts.length < 2) {
            return -1;
        }
        try {
            long low = Long.parseUnsignedLong(hex(parts[0]), 16);
            long high = Long.parseUnsignedLong(hex(parts[parts.length - 1]), 16);
            return high > low ? high - low : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String hex(String s) {
        String t = s.strip();
        return t.startsWith("0x") ? t.substring(2) : t;
    }

    private static long percent(String line) {
        int pct = line.indexOf('%');
        int i = pct - 1;
        while (i >= 0 && Character.isDigit(line.charAt(i))) {
            i--;
        }
        long v = Sizes.number(line, i + 1, pct);
        return v == Long.MIN_VALUE ? -1 : v;
    }

    private static String afterFirstComma(String line) {
        int c = line.indexOf(',');
        return c < 0 ? "" : line.substring(c + 1).strip();
    }

    private static long orMinus(long v) {
        return v == Fields.ABSENT ? -1 : v;
    }
}
