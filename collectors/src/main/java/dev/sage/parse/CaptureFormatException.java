package dev.sage.parse;

/**
 * The text is not what the parser expected. Parsers throw only this type; the message quotes the line
 * number and the line, so a user can find the spot in their file.
 */
public final class CaptureFormatException extends RuntimeException {
    private final int lineNumber;
    private final String line;
    private final String reason;

    /**
     * @param lineNumber 1-based line number, 0 when the problem is not about one line
     * @param line the offending line (shortened when long), or empty
     * @param reason what was expected
     */
    public CaptureFormatException(int lineNumber, String line, String reason) {
        super(format(lineNumber, line, reason));
        this.lineNumber = lineNumber;
        this.line = line == null ? "" : line;
        this.reason = reason;
    }

    public int lineNumber() {
        return lineNumber;
    }

    public String line() {
        return line;
    }

    /** What was expected, without the line number and the line. */
    public String reason() {
        return reason;
    }

    private static String format(int lineNumber, String line, String reason) {
        if (lineNumber <= 0) {
            return reason;
        }
        String shown = line == null ? "" : line.strip();
        if (shown.length() > 120) {
            shown = shown.substring(0, 117) + "...";
        }
        return "line " + lineNumber + ": " + reason + ": \"" + shown + "\"";
    }
}
