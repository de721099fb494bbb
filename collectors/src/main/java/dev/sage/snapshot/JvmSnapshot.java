package dev.sage.snapshot;

import dev.sage.profile.Profile;

import java.util.List;

/**
 * Everything read off one JVM: its identity, thread dumps and histograms as time series (oldest first), and
 * the latest heap, native memory, flags, process and container figures. A part that was not collected is
 * null (or an empty list); a part that failed is absent and explained in {@link #problems()}.
 *
 * @param target what was diagnosed: a pod, a host, a pid, or the files read
 * @param pid the JVM's pid as the captures print it, or -1
 * @param jvm which JVM, or null when no capture tells
 * @param uptimeSeconds {@code VM.uptime}, else the longest {@code elapsed=} of the last thread dump, or null
 * @param threadDumps thread dumps in the order taken
 * @param histograms class histograms in the order taken
 * @param perfCounters {@code PerfCounter.print} in the order taken
 * @param heap the latest {@code GC.heap_info}, or null
 * @param nativeMemory the latest native memory summary, or null when not collected
 * @param flags {@code VM.flags}, or null
 * @param process {@code /proc/<pid>/status}, or null
 * @param cgroup the container's memory accounting, or null
 * @param finalizerQueue the latest {@code GC.finalizer_info}, or null
 * @param profile what a flight recording right after the rounds (or given with the captures) shows, or null when none was recorded
 * @param problems what went wrong or could not be read; never hides the parts that were read
 */
public record JvmSnapshot(String target, long pid, JvmIdentity jvm, Double uptimeSeconds,
                          List<ThreadDump> threadDumps, List<ClassHistogram> histograms, List<PerfCounters> perfCounters, HeapInfo heap,
                          NativeMemory nativeMemory, VmFlags flags, ProcessStatus process, CgroupMemory cgroup, FinalizerQueue finalizerQueue,
                          Profile profile, List<Problem> problems) {
    public JvmSnapshot {
        threadDumps = List.copyOf(threadDumps);
        histograms = List.copyOf(histograms);
        perfCounters = List.copyOf(perfCounters);
        problems = List.copyOf(problems);
    }

    /** The most recent thread dump, or null. */
    public ThreadDump lastThreadDump() {
        return threadDumps.isEmpty() ? null : threadDumps.get(threadDumps.size() - 1);
    }

    /** The most recent histogram, or null. */
    public ClassHistogram lastHistogram() {
        return histograms.isEmpty() ? null : histograms.get(histograms.size() - 1);
    }

    /** The most recent performance counters, or null. */
    public PerfCounters lastPerfCounters() {
        return perfCounters.isEmpty() ? null : perfCounters.get(perfCounters.size() - 1);
    }

    /** True when nothing diagnostic was read: no dump, histogram, heap, native memory, flags, process figures or recording. */
    public boolean isEmpty() {
        return threadDumps.isEmpty() && histograms.isEmpty() && heap == null && nativeMemory == null
                && perfCounters.isEmpty() && finalizerQueue == null && flags == null && process == null && cgroup == null && jvm == null
                && profile == null;
    }
}
