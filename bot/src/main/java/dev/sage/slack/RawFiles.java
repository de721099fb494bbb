package dev.sage.slack;

import dev.sage.parse.Kind;
import dev.sage.parse.SnapshotReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The raw captures a reply attaches: thread dumps, class histograms, heap info and native memory, one file per kind
 * with every round in it, redacted. Nothing that can hold a secret is attached: process command lines, the
 * environment and system properties are never collected, and what looks like a credential inside what is attached
 * (a token in a thread name, a password in a URL) is replaced by {@code <redacted>}. Pure.
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
    }

    private static final List<Pattern> SECRETS = List.of(
            // key=value and key: value for names that hold credentials
            // (not inside a class or file name: "AuthService.java:42" stays)
            Pattern.compile("(?i)((?<![\\w.$])(?:[a-z0-9]+[_-])*(?:password|passwd|pwd|secret|token|api[_-]?key|"
                    + "access[_-]?key|authorization|credentials?|session[_-]?id)\\s*[=:]\\s*)(?:(?:bearer|basic)\\s+)?[^\\s,;&\"')\\]}]+"),
            // user:password@ in URLs
            Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)[^@\\s/]+(@)"),
            // bearer and basic credentials
            Pattern.compile("(?i)(\\b(?:bearer|basic)\\s+)[A-Za-z0-9._~+/=-]{8,}"),
            // Slack, GitHub, AWS and JWT-shaped tokens wherever they appear
            Pattern.compile("()\\b(?:xox[abprs]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{20,}"
                    + "|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})"));

    /** Credentials replaced by {@code <redacted>}; everything else as it was. */
    static String redact(String text) {
        String out = text;
        for (Pattern p : SECRETS) {
            out = p.matcher(out).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + "<redacted>"
                    + (m.groupCount() >= 2 && m.group(2) != null ? m.group(2) : "")));
        }
        return out;
    }

    /** One file per kind, each round under a header line naming it. */
    static List<SlackWeb.Upload> of(List<SnapshotReader.Raw> raw) {
        Map<Kind, StringBuilder> byKind = new LinkedHashMap<>();
        for (SnapshotReader.Raw r : raw) {
            if (FILES.containsKey(r.kind())) {
                byKind.computeIfAbsent(r.kind(), k -> new StringBuilder())
                        .append("==> ").append(r.source()).append(" <==\n").append(redact(r.text())).append('\n');
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
