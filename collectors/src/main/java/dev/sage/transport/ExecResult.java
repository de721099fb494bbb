package dev.sage.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a command did. A non-zero exit is data, not an error: jcmd exits 0 on many failures and 1 on others,
 * so callers read the text.
 *
 * @param exitCode the process's exit code
 * @param stdout standard output, at most the cap given to {@link Transport#exec}
 * @param stderr standard error, at most the same cap, decoded as UTF-8
 * @param truncated true when standard output or standard error went past the cap and was cut
 * @param elapsed wall time from start to exit
 */
public record ExecResult(int exitCode, byte[] stdout, String stderr, boolean truncated, Duration elapsed) {

    /** Standard output decoded as UTF-8. */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
