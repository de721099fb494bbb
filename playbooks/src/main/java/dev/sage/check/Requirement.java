package dev.sage.check;

import dev.sage.collect.Remedy;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;

import java.util.Locale;

/** A capture a check needs, and how to get it when it is missing. */
public enum Requirement {
    THREAD_DUMP("a thread dump"),
    TWO_THREAD_DUMPS("two thread dumps of one JVM"),
    HISTOGRAM("a class histogram"),
    TWO_HISTOGRAMS("two class histograms of one JVM"),
    HEAP_INFO("GC.heap_info"),
    PERF_COUNTERS("the JVM's performance counters (PerfCounter.print; a JVM run with -XX:-UsePerfData has none)"),
    TWO_PERF_COUNTERS("performance counters from two rounds"),
    FINALIZER_INFO("GC.finalizer_info (JDK 9+)"),
    NATIVE_MEMORY_ANSWER("a VM.native_memory answer"),
    NATIVE_MEMORY("native memory tracking (start the JVM with -XX:NativeMemoryTracking=summary)"),
    PROCESS("the process's memory (/proc/<pid>/status)"),
    CONTAINER_LIMIT("a container memory limit (cgroup files)"),
    PROFILE("a flight recording (JDK Flight Recorder) of the JVM");

    private final String description;

    Requirement(String description) {
        this.description = description;
    }

    /** What is missing, for "could not be evaluated" lines. */
    public String description() {
        return description;
    }

    /** What the person can do to meet it from Sage, when anything: more rounds for a time series. */
    public java.util.Optional<Remedy> remedy() {
        return this == TWO_THREAD_DUMPS || this == TWO_HISTOGRAMS || this == TWO_PERF_COUNTERS ? java.util.Optional.of(Remedy.MORE_ROUNDS)
                : this == PROFILE ? java.util.Optional.of(Remedy.PROFILE) : java.util.Optional.empty();
    }

    /** The name used in playbook files: {@code thread_dump}, {@code two_histograms}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean satisfiedBy(JvmSnapshot s) {
        return switch (this) {
            case THREAD_DUMP -> !s.threadDumps().isEmpty();
            case TWO_THREAD_DUMPS -> s.threadDumps().size() >= 2;
            case HISTOGRAM -> !s.histograms().isEmpty();
            case TWO_HISTOGRAMS -> s.histograms().size() >= 2;
            case HEAP_INFO -> s.heap() != null && s.heap().usedBytes() >= 0;
            case PERF_COUNTERS -> !s.perfCounters().isEmpty();
            case TWO_PERF_COUNTERS -> s.perfCounters().size() >= 2;
            case FINALIZER_INFO -> s.finalizerQueue() != null;
            case NATIVE_MEMORY_ANSWER -> s.nativeMemory() != null;
            case NATIVE_MEMORY -> s.nativeMemory() instanceof NativeMemory.Summary;
            case PROCESS -> s.process() != null && s.process().vmRssBytes() >= 0;
            case CONTAINER_LIMIT -> s.cgroup() != null && s.cgroup().limitBytes() > 0;
            case PROFILE -> s.profile() != null;
        };
    }

    /** The requirement named {@code key} in a playbook file, or null. */
    public static Requirement ofKey(String key) {
        for (Requirement r : values()) {
            if (r.key().equals(key)) {
                return r;
            }
        }
        return null;
    }
}
