package dev.sage.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything the command line prints goes through here: control characters that came from a capture or a target (ESC,
 * BEL, NUL, the C1 controls, and the bidirectional overrides that reorder what a person reads) are shown as
 * {@code \x1B} or {@code \u202E} instead of being acted on by the terminal, so a crafted file cannot rewrite the user's
 * screen. Newlines and tabs pass. Not thread-safe beyond what the wrapped writer is.
 */
final class TerminalWriter extends FilterWriter {
    TerminalWriter(Writer out) {
        super(out);
    }

    /** The visible form of a character the terminal would act on, or null when it prints as itself. */
    static String visible(char c) {
        if (c == '\n' || c == '\t') {
            return null;
        }
        if (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f) {
            return String.format("\\x%02X", (int) c);
        }
        if (c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069) {
            return String.format("\\u%04X", (int) c);
        }
        return null;
    }

    /** {@code text} as the terminal will show it. Pure. */
    static String safe(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            String v = visible(text.charAt(i));
            if (v != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (v != null) {
                    out.append(v);
                } else {
                    out.append(text.charAt(i));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    @Override
    public void write(int c) throws IOException {
        String v = visible((char) c);
        if (v == null) {
            out.write(c);
        } else {
            out.write(v);
        }
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        out.write(safe(new String(buf, off, len)));
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        out.write(safe(s.substring(off, off + len)));
    }
}
