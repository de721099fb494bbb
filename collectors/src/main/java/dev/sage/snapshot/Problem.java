package dev.sage.snapshot;

/**
 * Something that went wrong while collecting or reading a capture. A problem never voids the rest of a
 * snapshot: a failed command or a cut-off dump is recorded here and everything else is still used.
 *
 * @param source where the text came from (a file name, a command); never null
 * @param line 1-based line number in the source, or 0 when the problem is not about one line
 * @param message what happened, in words an SRE can act on
 */
public record Problem(String source, int line, String message) {
    public Problem {
        source = source == null ? "" : source;
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ": " + message : (source.isEmpty() ? message : source + ": " + message);
    }
}
