package dev.sage.parse;

import dev.sage.snapshot.CgroupMemory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the cgroup memory files of a container, v1 or v2, as one text: files joined the way
 * {@code head -n 100 memory.max memory.current memory.stat} prints them, each after a {@code ==> NAME <==}
 * line. A single {@code memory.stat} alone is accepted too. Pure.
 */
public final class CgroupMemoryParser {
    /** cgroup v1 prints this (or a page-rounded value near {@code Long.MAX_VALUE}) for "no limit". */
    private static final long V1_UNLIMITED_ABOVE = 1L << 62;

    private CgroupMemoryParser() {}

    public static CgroupMemory parse(String text) {
        return fromFiles(files(text));
    }

    /** The files in a joined text, file name to content; text before any header is {@code memory.stat}. */
    static Map<String, String> files(String text) {
        Map<String, String> files = new LinkedHashMap<>();
        String current = "memory.stat";
        StringBuilder body = new StringBuilder();
        for (String line : Lines.of(text)) {
            String s = line.strip();
            if (s.startsWith("==> ") && s.endsWith(" <==")) {
                if (body.length() > 0) {
                    files.merge(current, body.toString(), String::concat);
                }
                body.setLength(0);
                String path = s.substring(4, s.length() - 4).strip();
                current = path.substring(path.lastIndexOf('/') + 1);
                continue;
            }
            if (!s.isEmpty()) {
                body.append(s).append('\n');
            }
        }
        if (body.length() > 0) {
            files.merge(current, body.toString(), String::concat);
        }
        return files;
    }

    /** Builds the record from file name ({@code memory.max}, {@code memory.limit_in_bytes}, ...) to content. */
    public static CgroupMemory fromFiles(Map<String, String> files) {
        Map<String, Long> stat = new LinkedHashMap<>();
        String statText = files.getOrDefault("memory.stat", "");
        for (String line : Lines.of(statText)) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2) {
                long v = Sizes.number(kv[1], 0, kv[1].length());
                if (v >= 0) {
                    stat.put(kv[0], v);
                }
            }
        }
        boolean v2 = files.containsKey("memory.max") || files.containsKey("memory.current")
                || stat.containsKey("anon") || stat.containsKey("file");
        boolean v1 = files.containsKey("memory.limit_in_bytes") || files.containsKey("memory.usage_in_bytes")
                || stat.containsKey("hierarchical_memory_limit") || stat.containsKey("total_rss");
        if (!v1 && !v2) {
            throw new CaptureFormatException(1, firstLine(files), "not cgroup memory files: expected memory.max,"
                    + " memory.current, memory.stat (v2) or memory.limit_in_bytes, memory.usage_in_bytes (v1)");
        }
        long limit;
        long usage;
        long inactiveFile;
        if (v2) {
            String max = files.getOrDefault("memory.max", "").strip();
            limit = max.isEmpty() || max.equals("max") ? -1 : value(max);
            usage = value(files.getOrDefault("memory.current", "").strip());
            inactiveFile = stat.getOrDefault("inactive_file", -1L);
        } else {
            limit = value(files.getOrDefault("memory.limit_in_bytes", "").strip());
            if (limit < 0) {
                limit = stat.getOrDefault("hierarchical_memory_limit", -1L);
            }
            if (limit >= V1_UNLIMITED_ABOVE) {
                limit = -1;
            }
            usage = value(files.getOrDefault("memory.usage_in_bytes", "").strip());
            inactiveFile = stat.getOrDefault("total_inactive_file", stat.getOrDefault("inactive_file", -1L));
        }
        long workingSet = usage < 0 ? -1 : Math.max(0, usage - Math.max(0, inactiveFile));
        return new CgroupMemory(v2 ? 2 : 1, limit, usage, workingSet, stat);
    }

    private static long value(String s) {
        long v = Sizes.number(s, 0, s.length());
        return v < 0 ? -1 : v;
    }

    private static String firstLine(Map<String, String> files) {
        for (String body : files.values()) {
            for (String line : Lines.of(body)) {
                if (!line.isBlank()) {
                    return line;
                }
            }
        }
        return "";
    }
}
