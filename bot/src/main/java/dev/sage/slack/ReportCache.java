package dev.sage.slack;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text reports "Show raw" hands out, by the ts of the message that shows each: the newest kept, at most
 * {@code count} of them and {@code maxChars} characters in all, so that what the bot holds between requests is bounded
 * whatever the targets printed. Thread-safe.
 */
final class ReportCache {
    private final int count;
    private final long maxChars;
    private final LinkedHashMap<String, String> reports = new LinkedHashMap<>(16, 0.75f, true);
    private long chars;

    ReportCache(int count, long maxChars) {
        this.count = count;
        this.maxChars = maxChars;
    }

    synchronized void put(String ts, String text) {
        if (text.length() > maxChars) {
            return; // larger than all of the cache: "Show raw" says it is no longer held, and Re-run collects again
        }
        String old = reports.put(ts, text);
        chars += text.length() - (old == null ? 0 : old.length());
        for (Iterator<Map.Entry<String, String>> it = reports.entrySet().iterator();
             it.hasNext() && (reports.size() > count || chars > maxChars); ) {
            chars -= it.next().getValue().length();
            it.remove();
        }
    }

    synchronized String get(String ts) {
        return reports.get(ts);
    }

    /** Characters held now. */
    synchronized long chars() {
        return chars;
    }
}
