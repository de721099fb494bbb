package dev.sage.collect;

import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;

/** Whether a JVM runs virtual threads, from what a round read. Pure. */
final class VirtualThreads {
    private VirtualThreads() {}

    /**
     * True on JDK 21+ when the histogram counts {@code java.lang.VirtualThread} instances or a carrier thread carries
     * one: then {@code Thread.print} alone misses the unmounted ones.
     */
    static boolean run(JvmSnapshot s) {
        if (s.jvm() == null || s.jvm().featureVersion() < 21) {
            return false;
        }
        ClassHistogram h = s.lastHistogram();
        if (h != null && h.rows().stream().anyMatch(r -> r.className().equals("java.lang.VirtualThread") && r.instances() > 0)) {
            return true;
        }
        return s.lastThreadDump() != null && s.lastThreadDump().threads().stream().map(JvmThread::carried)
                .anyMatch(java.util.Objects::nonNull);
    }
}
