package dev.sage.slack;

/**
 * Escapes text from a target or a person (thread names, class names, messages, file names) for Slack's mrkdwn, so
 * that {@code <!channel>} never pings anyone and {@code <https://evil|click>} never renders as a link, and
 * {@linkplain Redaction redacts} what looks like a credential: every text Sage posts goes through here. Pure.
 */
public final class Mrkdwn {
    private Mrkdwn() {}

    /** Slack's three control characters, and the ASCII control characters a terminal would act on. */
    public static String escape(String text) {
        String s = Redaction.redact(text);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\n', '\t' -> out.append(c);
                default -> out.append(c < 0x20 || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** Escaped for the inside of a code span or block: also breaks any run of backticks that would close it. */
    public static String code(String s) {
        return escape(s).replace("`", "\u02CB");
    }

    /** At most {@code max} characters, cut with an ellipsis. */
    public static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "\u2026";
    }
}
