package dev.sage.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The JVM's performance counters ({@code jcmd PID PerfCounter.print}, the {@code hsperfdata} that {@code jstat}
 * reads): reading them costs the target nothing, no safepoint. Only the counters Sage judges are kept: the
 * collectors, the generations and the high-resolution clock ({@code sun.gc.*}, {@code sun.os.hrt.*},
 * {@code java.cls.*}); system properties and the command line are never kept.
 *
 * @param values counter name to value, strings unquoted
 */
public record PerfCounters(Map<String, String> values) {
    public PerfCounters {
        values = Map.copyOf(values);
    }

    /**
     * One collector's counters: G1 has {@code G1 young collection pauses}, {@code G1 full collection pauses} and
     * {@code G1 concurrent cycle pauses}; Parallel and Serial a young and an old one.
     *
     * @param seconds the accumulated time of its pauses
     */
    public record Collection(String name, long invocations, double seconds) {}

    /** A generation's space: sizes in bytes. */
    public record Space(long usedBytes, long capacityBytes, long maxCapacityBytes) {}

    public OptionalLong number(String name) {
        String v = values.get(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Ticks per second of the counters' clock ({@code sun.os.hrt.frequency}), or -1. */
    private long frequency() {
        return number("sun.os.hrt.frequency").orElse(-1);
    }

    /** The counters' clock when they were read, in seconds since the JVM started, or -1. */
    public double seconds() {
        long f = frequency();
        OptionalLong ticks = number("sun.os.hrt.ticks");
        return f <= 0 || ticks.isEmpty() ? -1 : (double) ticks.getAsLong() / f;
    }

    /**
     * The collectors whose time is pause time, in counter order. A collector counting whole concurrent cycles
     * ({@code Shenandoah Cycles}, ZGC's cycles) is left out: its time is not spent stopped.
     */
    public List<Collection> collections() {
        List<Collection> out = new ArrayList<>();
        long f = frequency();
        for (int i = 0; i < 16; i++) {
            String prefix = "sun.gc.collector." + i + ".";
            Optional<String> name = text(prefix + "name");
            OptionalLong invocations = number(prefix + "invocations");
            OptionalLong time = number(prefix + "time");
            if (name.isEmpty() || invocations.isEmpty() || time.isEmpty()) {
                continue;
            }
            String lower = name.get().toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("cycle") && !lower.contains("pause")) {
                continue;
            }
            out.add(new Collection(name.get(), invocations.getAsLong(), f > 0 ? (double) time.getAsLong() / f : 0));
        }
        return out;
    }

    /** Collections of every collector counted by {@link #collections()}. */
    public long invocations() {
        return collections().stream().mapToLong(Collection::invocations).sum();
    }

    /** Seconds spent in collection pauses since the JVM started. */
    public double gcSeconds() {
        return collections().stream().mapToDouble(Collection::seconds).sum();
    }

    /** Full collections: JDK 9+ names them so ({@code G1 full collection pauses}); JDK 8 by its collector's name. */
    public long fullInvocations() {
        return collections().stream().filter(c -> {
            String n = c.name().toLowerCase(java.util.Locale.ROOT);
            return n.contains("full") || n.equals("msc") || n.equals("psparallelcompact") || n.equals("psmarksweep");
        }).mapToLong(Collection::invocations).sum();
    }

    /**
     * The old generation, for the generational collectors (G1, Parallel, Serial, CMS): what survived collections.
     * G1 updates its figure at the end of each collection, so it reads as "old after the last collection". Empty for
     * ZGC and Shenandoah, and when the counters are off.
     */
    public Optional<Space> oldGeneration() {
        String young = values.getOrDefault("sun.gc.generation.0.name", "");
        // ZGC names its one space "old" too, with no young generation beside it
        if (!"old".equals(values.get("sun.gc.generation.1.name")) || !(young.equals("young") || young.equals("new"))) {
            return Optional.empty();
        }
        OptionalLong used = number("sun.gc.generation.1.space.0.used");
        OptionalLong capacity = number("sun.gc.generation.1.space.0.capacity");
        OptionalLong max = number("sun.gc.generation.1.maxCapacity");
        if (used.isEmpty() || capacity.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Space(used.getAsLong(), capacity.getAsLong(), max.orElse(-1)));
    }
}
