package dev.sage.parse;

import dev.sage.snapshot.ClassHistogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a class histogram: {@code GC.class_histogram} (with the module column, JDK 9+), {@code jmap -histo}
 * and {@code -XX:+PrintClassHistogram} (JDK 5 to 8), with or without the {@code Total} line. Pure.
 */
public final class ClassHistogramParser {
    private ClassHistogramParser() {}

    /**
     * Reads rows until the {@code Total} line; a line that is not a row ends the histogram early (a capture
     * cut off, or a log line after it), which {@link ClassHistogram#hasTotalLine()} then shows.
     *
     * @throws CaptureFormatException when there is no header, or the first row does not read as
     *     {@code rank: instances bytes class [(module)]}
     */
    public static ClassHistogram parse(String text) {
        List<String> lines = Lines.of(text);
        List<ClassHistogram.Row> rows = new ArrayList<>();
        boolean header = false;
        long totalInstances = -1;
        long totalBytes = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!header) {
                if (line.startsWith("num") && line.contains("#instances")) {
                    header = true;
                }
                continue;
            }
            if (line.isEmpty() || line.startsWith("---")) {
                continue;
            }
            if (line.startsWith("Total")) {
                String[] parts = line.split("\\s+");
                if (parts.length >= 3) {
                    totalInstances = Sizes.number(parts[1], 0, parts[1].length());
                    totalBytes = Sizes.number(parts[2], 0, parts[2].length());
                }
                if (totalInstances < 0 || totalBytes < 0) {
                    throw new CaptureFormatException(i + 1, lines.get(i), "the Total line should be 'Total <instances> <bytes>'");
                }
                break;
            }
            ClassHistogram.Row row = row(line);
            if (row == null) {
                if (rows.isEmpty()) {
                    throw new CaptureFormatException(i + 1, lines.get(i),
                            "a histogram row should read '<rank>: <instances> <bytes> <class name>'");
                }
                break; // the histogram ended (a log line or another capture follows)
            }
            rows.add(row);
        }
        if (!header) {
            throw new CaptureFormatException(1, lines.isEmpty() ? "" : lines.get(0),
                    "not a class histogram: no 'num #instances #bytes class name' header");
        }
        boolean hasTotal = totalInstances >= 0;
        if (!hasTotal) {
            totalInstances = 0;
            totalBytes = 0;
            for (ClassHistogram.Row r : rows) {
                totalInstances += r.instances();
                totalBytes += r.bytes();
            }
        }
        return new ClassHistogram(rows, totalInstances, totalBytes, hasTotal);
    }

    /** {@code 1:       3047701      124427864  [B (java.base@17.0.5)}, or null when the line is not a row. */
    static ClassHistogram.Row row(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        long rank = Sizes.number(line, 0, colon);
        if (rank < 0 || rank > Integer.MAX_VALUE) {
            return null;
        }
        int i = colon + 1;
        long[] nums = new long[2];
        for (int k = 0; k < 2; k++) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            int s = i;
            while (i < line.length() && Character.isDigit(line.charAt(i))) {
                i++;
            }
            nums[k] = Sizes.number(line, s, i);
            if (nums[k] < 0) {
                return null;
            }
        }
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i >= line.length()) {
            return null;
        }
        String rest = line.substring(i);
        String cls = rest;
        String module = "";
        if (rest.endsWith(")")) {
            int open = rest.lastIndexOf(" (");
            if (open > 0) {
                cls = rest.substring(0, open);
                module = rest.substring(open + 2, rest.length() - 1);
            }
        }
        return new ClassHistogram.Row((int) rank, nums[0], nums[1], cls, module);
    }
}
