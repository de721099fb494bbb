package dev.sage.parse;

/** Parses {@code VM.uptime}: {@code 4.325 s}. Pure. */
public final class UptimeParser {
    private UptimeParser() {}

    /** Seconds since the JVM started. */
    public static double parse(String text) {
        int lineNo = 0;
        for (String raw : Lines.of(text)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || Lines.isPidLine(line)) {
                continue;
            }
            if (line.endsWith(" s")) {
                try {
                    return Double.parseDouble(line.substring(0, line.length() - 2).strip());
                } catch (NumberFormatException e) {
                    throw new CaptureFormatException(lineNo, raw, "VM.uptime should read '<seconds> s'");
                }
            }
            throw new CaptureFormatException(lineNo, raw, "VM.uptime should read '<seconds> s'");
        }
        throw new CaptureFormatException(0, "", "VM.uptime output is empty");
    }
}
