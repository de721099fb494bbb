package dev.sage.parse;

import dev.sage.snapshot.VmFlags;

import java.util.HashMap;
import java.util.Map;

/**
 * Parses {@code VM.flags} ({@code -XX:+UseG1GC -XX:MaxHeapSize=268435456 ...}) and {@code VM.flags -all}
 * ({@code size_t MaxHeapSize = 268435456 {product} {ergonomic}}). Pure.
 */
public final class VmFlagsParser {
    private VmFlagsParser() {}

    public static VmFlags parse(String text) {
        Map<String, String> values = new HashMap<>();
        int lineNo = 0;
        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || Lines.isPidLine(line) || line.startsWith("[")) {
                continue;
            }
            if (line.startsWith("-XX:")) {
                for (String token : line.split("\\s+")) {
                    if (!token.startsWith("-XX:")) {
                        continue;
                    }
                    String flag = token.substring(4);
                    if (flag.startsWith("+") || flag.startsWith("-")) {
                        values.put(flag.substring(1), flag.startsWith("+") ? "true" : "false");
                    } else {
                        int eq = flag.indexOf('=');
                        if (eq > 0) {
                            values.put(flag.substring(0, eq), flag.substring(eq + 1));
                        }
                    }
                }
                continue;
            }
            // -all layout: type name = value {kind} {origin}
            int eq = line.indexOf(" = ");
            if (eq < 0) {
                eq = line.indexOf(" := ");
            }
            if (eq > 0) {
                String left = line.substring(0, eq).strip();
                int sp = left.lastIndexOf(' ');
                String name = sp < 0 ? left : left.substring(sp + 1);
                String right = line.substring(line.indexOf('=', eq) + 1).strip();
                int brace = right.indexOf(" {");
                String value = (brace < 0 ? right : right.substring(0, brace)).strip();
                values.put(name, value);
            }
        }
        if (values.isEmpty()) {
            throw new CaptureFormatException(1, Lines.of(text).isEmpty() ? "" : Lines.of(text).get(0),
                    "not a VM.flags output: no -XX: flag found");
        }
        return new VmFlags(values);
    }
}
