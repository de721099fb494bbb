package dev.sage.transport;

import java.util.List;

/**
 * Builds the one command string SSH can carry from an argv, so that the remote shell sees exactly these
 * words: each argument in single quotes, a quote inside written as {@code '\''}. Nothing is ever interpreted:
 * no expansion, no substitution, no globbing, no word splitting. The one function every remote command goes
 * through. Pure.
 */
public final class ShellQuote {
    private ShellQuote() {}

    /**
     * @throws IllegalArgumentException for an argument holding NUL, which no command line can carry
     */
    public static String quote(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument cannot hold a NUL character");
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The argv as one command string for {@code sh -c} on the far side. */
    public static String command(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(a));
        }
        return sb.toString();
    }
}
