package dev.sage.snapshot;

import java.util.Map;

/**
 * {@code GC.finalizer_info} (JDK 9+): the objects unreachable and waiting for their {@code finalize()} to run, by
 * class. Read from the finalizer's own queue, without walking the heap.
 *
 * @param byClass instances waiting, by class name, largest first
 * @param disabled true when the JVM runs with {@code --finalization=disabled} (JDK 18+)
 */
public record FinalizerQueue(Map<String, Long> byClass, boolean disabled) {
    public FinalizerQueue {
        byClass = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byClass));
    }

    /** Instances waiting, all classes together. */
    public long total() {
        return byClass.values().stream().mapToLong(Long::longValue).sum();
    }
}
