package dev.sage.parse;

import dev.sage.snapshot.FinalizerQueue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code GC.finalizer_info}: {@code No instances waiting for finalization found}, {@code Finalization is
 * disabled}, or a table of {@code #instances  class name} rows. Pure.
 */
public final class FinalizerInfoParser {
    private FinalizerInfoParser() {}

    public static FinalizerQueue parse(String text) {
        List<Map.Entry<String, Long>> rows = new ArrayList<>();
        boolean known = false;
        boolean disabled = false;
        int lineNo = 0;
        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || Lines.isPidLine(line) || line.startsWith("#instances") || line.startsWith("---")) {
                continue;
            }
            if (line.startsWith("No instances waiting for finalization") || line.startsWith("Unreachable instances waiting")) {
                known = true;
                continue;
            }
            if (line.startsWith("Finalization is disabled")) {
                known = true;
                disabled = true;
                continue;
            }
            int sp = line.indexOf(' ');
            if (known && sp > 0 && line.substring(0, sp).chars().allMatch(Character::isDigit)) {
                try {
                    rows.add(Map.entry(line.substring(sp).strip(), Long.parseLong(line.substring(0, sp))));
                } catch (NumberFormatException e) {
                    throw new CaptureFormatException(lineNo, raw, "the instance count is not a number");
                }
            } else if (!known) {
                throw new CaptureFormatException(lineNo, raw, "not a GC.finalizer_info answer");
            }
        }
        if (!known) {
            throw new CaptureFormatException(0, "", "GC.finalizer_info output is empty");
        }
        rows.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> byClass = new LinkedHashMap<>();
        rows.forEach(e -> byClass.merge(e.getKey(), e.getValue(), Long::sum));
        return new FinalizerQueue(byClass, disabled);
    }
}
