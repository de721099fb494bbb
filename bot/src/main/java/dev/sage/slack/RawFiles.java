package dev.sage.slack;

import dev.sage.parse.Kind;
import dev.sage.parse.SnapshotReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw captures a reply attaches: thread dumps, class histograms, heap info and native memory, one file per kind
 * with every round in it, {@linkplain Redaction redacted}. Pure.
 */
final class RawFiles {
    private RawFiles() {}

    /** The kinds attached, and their file names. */
    private static final Map<Kind, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put(Kind.THREAD_DUMP, "thread-dumps.txt");
        FILES.put(Kind.CLASS_HISTOGRAM, "class-histograms.txt");
        FILES.put(Kind.HEAP_INFO, "heap-info.txt");
        FILES.put(Kind.NATIVE_MEMORY, "native-memory.txt");
        FILES.put(Kind.PERF_COUNTERS, "gc-counters.txt");
    }

    /** The names of the files a reply attaches, which read back as the same captures ({@code explain} in a thread). */
    static java.util.Collection<String> names() {
        return FILES.values();
    }

    /** One file per kind, each round under a header line naming it. */
    static List<SlackWeb.Upload> of(List<SnapshotReader.Raw> raw) {
        Map<Kind, StringBuilder> byKind = new LinkedHashMap<>();
        for (SnapshotReader.Raw r : raw) {
            if (FILES.containsKey(r.kind())) {
                byKind.computeIfAbsent(r.kind(), k -> new StringBuilder())
                        .append("==> ").append(r.source()).append(" <==\n").append(Redaction.redact(r.text())).append('\n');
            }
        }
        List<SlackWeb.Upload> out = new ArrayList<>();
        for (Map.Entry<Kind, String> f : FILES.entrySet()) {
            StringBuilder text = byKind.get(f.getKey());
            if (text != null) {
                out.add(new SlackWeb.Upload(f.getValue(), f.getKey().description(),
                        text.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }
}
