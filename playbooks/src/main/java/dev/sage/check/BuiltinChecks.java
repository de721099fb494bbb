package dev.sage.check;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one registration list of the checks playbooks can name. */
public final class BuiltinChecks {
    private static final List<Check> ALL = List.of(
            new ThreadChecks.JvmReportsDeadlock(),
            new ThreadChecks.ThreadsWaitingOnSameLock(),
            new ThreadChecks.ThreadPileUp(),
            new ThreadChecks.ThreadsInFrame(),
            new ThreadChecks.ThreadsInUntimedWait(),
            new MemoryChecks.HeapUsedFraction(),
            new MemoryChecks.NativeMemoryNotTracked(),
            new MemoryChecks.RssNearContainerLimit(),
            new MemoryChecks.HistogramGrowth(),
            new MemoryChecks.HistogramDominantClass(),
            new SeriesChecks.ThreadsStuckInFrame(),
            new SeriesChecks.CpuSpin(),
            new SeriesChecks.HistogramClassInstances(),
            new SeriesChecks.HeapCommittedUnused(),
            new MemoryChecks.RssBeyondNmt(),
            new MemoryChecks.NativeCategoryGrowth(),
            new MemoryChecks.GcPressure(),
            new MemoryChecks.MapGrowth(),
            new SeriesChecks.FinalizerQueueLength(),
            new MemoryChecks.CounterGrowth());

    private static final Map<String, Check> BY_NAME = index();

    private BuiltinChecks() {}

    public static List<Check> all() {
        return ALL;
    }

    /** The check named {@code name}, or null. */
    public static Check named(String name) {
        return BY_NAME.get(name);
    }

    private static Map<String, Check> index() {
        Map<String, Check> m = new LinkedHashMap<>();
        for (Check c : ALL) {
            if (m.put(c.name(), c) != null) {
                throw new IllegalStateException("two checks named " + c.name());
            }
        }
        return m;
    }
}
