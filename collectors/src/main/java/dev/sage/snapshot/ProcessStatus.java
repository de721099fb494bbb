package dev.sage.snapshot;

import java.util.List;
import java.util.Map;

/**
 * {@code /proc/<pid>/status} of the JVM process. Sizes are bytes, -1 when the line is absent.
 *
 * @param name the {@code Name:} line
 * @param pid {@code Pid:} as seen from where it was read
 * @param nsPids {@code NStgid:}, outermost namespace first (the last is the pid inside the container)
 * @param uid the effective uid ({@code Uid:} second column), or -1
 * @param gid the effective gid, or -1
 * @param vmRssBytes {@code VmRSS}
 * @param rssAnonBytes {@code RssAnon}
 * @param rssFileBytes {@code RssFile}
 * @param vmSwapBytes {@code VmSwap}
 * @param threads {@code Threads:} (OS threads: Java and JVM-internal), or -1
 * @param sigCgt caught signals mask (hex), or empty
 * @param sigIgn ignored signals mask (hex), or empty
 * @param sigBlk blocked signals mask (hex), or empty
 * @param fields every line, name to raw value
 */
public record ProcessStatus(String name, long pid, List<Long> nsPids, long uid, long gid, long vmRssBytes,
                            long rssAnonBytes, long rssFileBytes, long vmSwapBytes, int threads, String sigCgt,
                            String sigIgn, String sigBlk, Map<String, String> fields) {
    public ProcessStatus {
        nsPids = List.copyOf(nsPids);
        fields = Map.copyOf(fields);
    }

    /** SIGQUIT is signal 3: caught means {@code kill -3} prints a thread dump; not caught means it kills the JVM. */
    public boolean catchesSigquit() {
        return signalInMask(sigCgt, 3);
    }

    static boolean signalInMask(String hexMask, int signal) {
        if (hexMask == null || hexMask.isEmpty()) {
            return false;
        }
        int bit = signal - 1;
        int digitFromRight = bit / 4;
        int index = hexMask.length() - 1 - digitFromRight;
        if (index < 0) {
            return false;
        }
        int digit = Character.digit(hexMask.charAt(index), 16);
        return digit >= 0 && (digit & (1 << (bit % 4))) != 0;
    }
}
