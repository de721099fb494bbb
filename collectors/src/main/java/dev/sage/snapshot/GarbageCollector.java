package dev.sage.snapshot;

/** The collector a JVM runs, as told by {@code GC.heap_info} or {@code VM.flags}. */
public enum GarbageCollector {
    G1("G1"),
    PARALLEL("Parallel"),
    SERIAL("Serial"),
    ZGC("ZGC"),
    ZGC_GENERATIONAL("Generational ZGC"),
    SHENANDOAH("Shenandoah"),
    CMS("CMS"),
    EPSILON("Epsilon"),
    UNKNOWN("unknown");

    private final String displayName;

    GarbageCollector(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
