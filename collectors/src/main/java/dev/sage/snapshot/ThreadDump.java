package dev.sage.snapshot;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One thread dump: a {@code jcmd Thread.print}, a {@code jstack}, a {@code kill -3} into a log, or a
 * {@code Thread.dump_to_file}.
 *
 * @param timestamp the timestamp line as printed ({@code 2026-12-02 00:34:55}), or empty
 * @param vmBanner the JVM named in the header ({@code OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode)}), or empty
 * @param threads every thread, in dump order
 * @param deadlocks the cycles of the JVM's deadlock report; empty when it found none
 * @param truncated true when the text ends in the middle of the dump; the threads before the cut are kept
 */
public record ThreadDump(String timestamp, String vmBanner, List<JvmThread> threads, List<Deadlock> deadlocks,
                         boolean truncated) {
    public ThreadDump {
        timestamp = timestamp == null ? "" : timestamp;
        vmBanner = vmBanner == null ? "" : vmBanner;
        threads = List.copyOf(threads);
        deadlocks = List.copyOf(deadlocks);
    }

    /** Number of threads in each state; every state is present, zero when none. */
    public Map<ThreadState, Integer> countByState() {
        Map<ThreadState, Integer> counts = new EnumMap<>(ThreadState.class);
        for (ThreadState s : ThreadState.values()) {
            counts.put(s, 0);
        }
        for (JvmThread t : threads) {
            counts.merge(t.state(), 1, Integer::sum);
        }
        return counts;
    }

    /** The number of virtual threads mounted on carriers or listed as virtual. */
    public int virtualThreadCount() {
        int n = 0;
        for (JvmThread t : threads) {
            if (t.virtual() || t.carried() != null) {
                n++;
            }
        }
        return n;
    }
}
