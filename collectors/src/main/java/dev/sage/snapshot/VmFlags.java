package dev.sage.snapshot;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * {@code VM.flags} (or {@code VM.flags -all}): flag name to its value as printed ({@code true}/{@code false}
 * for booleans).
 */
public record VmFlags(Map<String, String> values) {
    public VmFlags {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** {@code MaxHeapSize} in bytes. */
    public OptionalLong maxHeapSize() {
        return number("MaxHeapSize", 1);
    }

    /** {@code ThreadStackSize} in bytes (the flag itself is in KiB). */
    public OptionalLong threadStackSize() {
        return number("ThreadStackSize", 1024);
    }

    /** {@code MaxDirectMemorySize} in bytes; 0 means "same as the maximum heap". */
    public OptionalLong maxDirectMemorySize() {
        return number("MaxDirectMemorySize", 1);
    }

    /** {@code NativeMemoryTracking}: {@code off}, {@code summary} or {@code detail}; off when not printed. */
    public String nativeMemoryTracking() {
        return values.getOrDefault("NativeMemoryTracking", "off");
    }

    /** The collector selected by the {@code Use...GC} flags. */
    public GarbageCollector gc() {
        if (on("UseG1GC")) return GarbageCollector.G1;
        if (on("UseZGC")) return on("ZGenerational") ? GarbageCollector.ZGC_GENERATIONAL : GarbageCollector.ZGC;
        if (on("UseShenandoahGC")) return GarbageCollector.SHENANDOAH;
        if (on("UseParallelGC") || on("UseParallelOldGC")) return GarbageCollector.PARALLEL;
        if (on("UseConcMarkSweepGC")) return GarbageCollector.CMS;
        if (on("UseSerialGC")) return GarbageCollector.SERIAL;
        if (on("UseEpsilonGC")) return GarbageCollector.EPSILON;
        return GarbageCollector.UNKNOWN;
    }

    /** The flags sorted by name, for display. */
    public Map<String, String> sorted() {
        return new TreeMap<>(values);
    }

    private boolean on(String flag) {
        return "true".equals(values.get(flag));
    }

    private OptionalLong number(String flag, long unit) {
        String v = values.get(flag);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v) * unit);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
