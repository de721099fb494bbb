package dev.sage.slack;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces what looks like a credential with {@code [redacted]} in every text Sage sends to Slack: messages, the
 * attached report and the raw captures. Sage never collects command lines, the environment or system properties;
 * this catches what a JVM puts elsewhere (a token in a thread name, a password in a JDBC URL in an exception
 * message). Stack frames and class names are left as they are. Pure and thread-safe.
 */
public final class Redaction {
    private Redaction() {}

    static final String REDACTED = "[redacted]";

    /**
     * Names whose value is a secret: {@code password}, {@code access_token}, {@code clientSecret}, {@code apiKey}...
     * Every quantifier that can run over a long line is bounded, and none is nested: text from a target is hostile, and
     * a pattern that backtracks without bound would stall the bot on one long line.
     */
    private static final String SECRET_NAME = "[A-Za-z0-9_.-]{0,40}?(?:password|passwd|pwd|secret|token|api[_-]?key|"
            + "access[_-]?key|private[_-]?key|authorization|credentials?|session[_-]?id|cookie)";

    private static final List<Pattern> SECRETS = List.of(
            // name=value, name: value, "name":"value", name="value" (not inside a class or file name: AuthService.java:42)
            Pattern.compile("(?i)((?<![\\w.$])\"?" + SECRET_NAME + "\"?\\s*[=:]\\s*\"?)(?:(?:bearer|basic)\\s+)?"
                    + "[^\\s,;&\"'<>)\\]}\\\\]+"),
            // user:password@ in URLs
            Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]{0,30}://[^/\\s:@]{1,256}:)[^@\\s/]{1,256}(?=@)"),
            // bearer and basic credentials anywhere
            Pattern.compile("(?i)(\\b(?:bearer|basic)\\s+)[A-Za-z0-9._~+/=-]{8,}"),
            // Slack, GitHub, AWS and JWT-shaped tokens wherever they appear
            Pattern.compile("()\\b(?:xox[a-z]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{20,}"
                    + "|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})"),
            // PEM private keys
            Pattern.compile("()-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)"));

    /** Credentials replaced by {@code [redacted]}; everything else as it was. */
    public static String redact(String text) {
        String out = text;
        for (Pattern p : SECRETS) {
            out = p.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + REDACTED));
        }
        return out;
    }
}
