package dev.sage.parse;

import dev.sage.snapshot.ProcessStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code /proc/<pid>/status}. Pure. */
public final class ProcessStatusParser {
    private ProcessStatusParser() {}

    public static ProcessStatus parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : Lines.of(text)) {
            int colon = line.indexOf(':');
            if (colon <= 0 || Lines.isPidLine(line.strip())) {
                continue;
            }
            fields.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        if (!fields.containsKey("Name") || !(fields.containsKey("Pid") || fields.containsKey("VmRSS") || fields.containsKey("Tgid"))) {
            throw new CaptureFormatException(1, Lines.of(text).isEmpty() ? "" : Lines.of(text).get(0),
                    "not a /proc/<pid>/status: expected 'Name:' and 'Pid:' lines");
        }
        List<Long> nsPids = new ArrayList<>();
        for (String p : fields.getOrDefault("NStgid", "").split("\\s+")) {
            long v = Sizes.number(p, 0, p.length());
            if (v >= 0) {
                nsPids.add(v);
            }
        }
        return new ProcessStatus(fields.getOrDefault("Name", ""), number(fields.get("Pid")), nsPids,
                firstColumn(fields.get("Uid")), firstColumn(fields.get("Gid")), kb(fields.get("VmRSS")),
                kb(fields.get("RssAnon")), kb(fields.get("RssFile")), kb(fields.get("VmSwap")),
                (int) number(fields.get("Threads")), fields.getOrDefault("SigCgt", ""),
                fields.getOrDefault("SigIgn", ""), fields.getOrDefault("SigBlk", ""), fields);
    }

    /** {@code 1871872 kB} in bytes, or -1. */
    private static long kb(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        int sp = v.indexOf(' ');
        long n = Sizes.number(v, 0, sp < 0 ? v.length() : sp);
        return n < 0 ? -1 : n * 1024;
    }

    private static long number(String value) {
        if (value == null) {
            return -1;
        }
        long n = Sizes.number(value, 0, value.length());
        return n < 0 ? -1 : n;
    }

    /** The effective id: the second of real, effective, saved, filesystem (the attach handshake compares it). */
    private static long firstColumn(String value) {
        if (value == null) {
            return -1;
        }
        String[] parts = value.split("\\s+");
        return number(parts.length > 1 ? parts[1] : parts[0]);
    }
}
