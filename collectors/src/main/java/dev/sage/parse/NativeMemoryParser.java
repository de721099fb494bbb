package dev.sage.parse;

import dev.sage.snapshot.NativeMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code VM.native_memory summary} and {@code summary.diff} (JDK 8 to 25, any scale, summary or
 * detail level; the detail call sites after the summary are skipped). "Not enabled" is a value. Pure.
 */
public final class NativeMemoryParser {
    private NativeMemoryParser() {}

    public static NativeMemory parse(String text) {
        List<String> lines = Lines.of(text);
        NativeMemory.Amount total = null;
        long malloc = -1;
        long mmapCommitted = -1;
        boolean diff = false;
        List<NativeMemory.Category> categories = new ArrayList<>();
        Category current = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            String line = raw.strip();
            if (line.startsWith("Native memory tracking is not enabled")) {
                return new NativeMemory.NotEnabled();
            }
            if (line.startsWith("[0x") || line.startsWith("Details:") || line.startsWith("Virtual memory map:")) {
                break; // detail call sites follow the summary
            }
            if (line.startsWith("Total:")) {
                total = amount(line);
                diff = line.contains("+") || line.contains(" -");
                continue;
            }
            if (total != null && current == null && (line.startsWith("malloc:") || line.startsWith("malloc="))) {
                malloc = orMinus(line.startsWith("malloc:") ? Fields.size(line, "malloc: ") : Fields.size(line, "malloc="));
                continue;
            }
            if (total != null && current == null && line.startsWith("mmap:")) {
                mmapCommitted = orMinus(Fields.size(line, "committed="));
                continue;
            }
            if (line.startsWith("-") && line.contains("(reserved=")) {
                if (current != null) {
                    categories.add(current.build());
                }
                String name = line.substring(1, line.indexOf("(reserved=")).strip();
                current = new Category(name, amount(line));
                if (amountHasDelta(line)) {
                    diff = true;
                }
                continue;
            }
            if (current != null && line.startsWith("(")) {
                current.detail(line);
            }
        }
        if (current != null) {
            categories.add(current.build());
        }
        if (total == null) {
            int at = 0;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (!l.isEmpty() && !Lines.isPidLine(l) && !l.startsWith("Native Memory Tracking")) {
                    at = i;
                    break;
                }
            }
            throw new CaptureFormatException(at + 1, lines.isEmpty() ? "" : lines.get(at),
                    "not a VM.native_memory summary: no 'Total:' line");
        }
        return new NativeMemory.Summary(diff, total, malloc, mmapCommitted, categories);
    }

    private static boolean amountHasDelta(String line) {
        return Fields.delta(line, "reserved=") != 0 || Fields.delta(line, "committed=") != 0;
    }

    private static NativeMemory.Amount amount(String line) {
        return new NativeMemory.Amount(orZero(Fields.size(line, "reserved=")), orZero(Fields.size(line, "committed=")),
                Fields.delta(line, "reserved="), Fields.delta(line, "committed="));
    }

    private static long orZero(long v) {
        return v == Fields.ABSENT ? 0 : v;
    }

    private static long orMinus(long v) {
        return v == Fields.ABSENT ? -1 : v;
    }

    /** Accumulates one category block. */
    private static final class Category {
        final String name;
        final NativeMemory.Amount amount;
        long malloc = -1;
        long mallocDelta;
        long mallocCount = -1;
        long mallocCountDelta;
        long mmapCommitted = -1;
        long count = -1;
        long countDelta;

        Category(String name, NativeMemory.Amount amount) {
            this.name = name;
            this.amount = amount;
        }

        void detail(String line) {
            if (line.startsWith("(malloc=")) {
                malloc = orMinus(Fields.size(line, "malloc="));
                mallocDelta = Fields.delta(line, "malloc=");
                mallocCount = Fields.countAfter(line, "malloc=");
                mallocCountDelta = Fields.countDeltaAfter(line, "malloc=");
            } else if (line.startsWith("(mmap:")) {
                mmapCommitted = orMinus(Fields.size(line, "committed="));
            } else if (line.startsWith("(thread #") || line.startsWith("(threads #") || line.startsWith("(classes #")) {
                count = Fields.countAfter(line, "(");
                countDelta = Fields.countDeltaAfter(line, "(");
            }
        }

        NativeMemory.Category build() {
            return new NativeMemory.Category(name, amount, malloc, mallocDelta, mallocCount, mallocCountDelta,
                    mmapCommitted, count, countDelta);
        }
    }
}
