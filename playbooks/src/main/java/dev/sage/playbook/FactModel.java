package dev.sage.playbook;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.sage.profile.Profile;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.StackFrame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts a playbook's {@code expr} conditions (CEL) see: plain maps and lists built from a snapshot. A
 * figure not collected reads as an empty list, {@code -1}, or {@code false}; a playbook that depends on it
 * declares it in {@code requires}. Documented in {@code playbooks/README.md}. Pure.
 */
public final class FactModel {
    private FactModel() {}

    private static final CelType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);

    /** The variables and their types. */
    static Map<String, CelType> declarations() {
        Map<String, CelType> d = new LinkedHashMap<>();
        d.put("jvm", DYN_MAP);
        d.put("threads", ListType.create(DYN_MAP));
        d.put("thread_counts", ListType.create(SimpleType.INT));
        d.put("heap", DYN_MAP);
        d.put("histogram", ListType.create(DYN_MAP));
        d.put("gc", DYN_MAP);
        d.put("finalizer_queue", SimpleType.INT);
        d.put("nmt", DYN_MAP);
        d.put("process", DYN_MAP);
        d.put("container", DYN_MAP);
        d.put("flags", MapType.create(SimpleType.STRING, SimpleType.STRING));
        d.put("profile", DYN_MAP);
        return d;
    }

    /** The values for one snapshot. */
    public static Map<String, Object> of(JvmSnapshot s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("jvm", map("feature", (long) (s.jvm() == null ? 0 : s.jvm().featureVersion()),
                "vm_name", s.jvm() == null ? "" : s.jvm().vmName(), "vm_version", s.jvm() == null ? "" : s.jvm().vmVersion()));
        List<Object> threads = new ArrayList<>();
        if (s.lastThreadDump() != null) {
            for (JvmThread t : s.lastThreadDump().threads()) {
                threads.add(map("name", t.name(), "state", t.state().name(), "daemon", t.daemon(), "virtual", t.virtual(),
                        "top_frame", t.topFrame().map(StackFrame::method).orElse(""),
                        "frames", t.frames().stream().map(StackFrame::method).toList(),
                        "cpu_ms", t.cpuMillis() == null ? -1.0 : t.cpuMillis(),
                        "waiting_for", t.waitingToLock().or(t::parkedOn).map(l -> l.className()).orElse("")));
            }
        }
        f.put("threads", threads);
        f.put("thread_counts", s.threadDumps().stream().map(d -> (long) d.threads().size()).toList());
        long max = s.flags() != null && s.flags().maxHeapSize().isPresent() ? s.flags().maxHeapSize().getAsLong()
                : s.heap() == null ? -1 : s.heap().reservedBytes();
        f.put("heap", map("used_bytes", s.heap() == null ? -1L : s.heap().usedBytes(),
                "committed_bytes", s.heap() == null ? -1L : s.heap().committedBytes(), "max_bytes", max,
                "collector", s.heap() == null ? "" : s.heap().collector().displayName()));
        List<Object> rows = new ArrayList<>();
        if (s.lastHistogram() != null) {
            for (ClassHistogram.Row r : s.lastHistogram().rows()) {
                rows.add(map("class", r.className(), "instances", r.instances(), "bytes", r.bytes()));
            }
        }
        f.put("histogram", rows);
        f.put("gc", gc(s));
        f.put("finalizer_queue", s.finalizerQueue() == null ? -1L : s.finalizerQueue().total());
        Map<String, Object> categories = new LinkedHashMap<>();
        if (s.nativeMemory() instanceof NativeMemory.Summary nmt) {
            nmt.categories().forEach(c -> categories.put(c.name(), c.amount().committedBytes()));
            f.put("nmt", map("enabled", true, "committed_bytes", nmt.total().committedBytes(),
                    "reserved_bytes", nmt.total().reservedBytes(), "categories", categories));
        } else {
            f.put("nmt", map("enabled", false, "committed_bytes", -1L, "reserved_bytes", -1L, "categories", categories));
        }
        f.put("process", map("rss_bytes", s.process() == null ? -1L : s.process().vmRssBytes(),
                "threads", s.process() == null ? -1L : (long) s.process().threads()));
        f.put("container", map("limit_bytes", s.cgroup() == null ? -1L : s.cgroup().limitBytes(),
                "usage_bytes", s.cgroup() == null ? -1L : s.cgroup().usageBytes()));
        f.put("flags", s.flags() == null ? Map.of() : s.flags().values());
        f.put("profile", profile(s.profile()));
        return f;
    }

    /** A flight recording's rankings; {@code recorded} false and empty lists without one. */
    private static Map<String, Object> profile(Profile p) {
        if (p == null) {
            return map("recorded", false, "seconds", -1.0, "allocated_bytes", -1L, "cpu_samples", -1L,
                    "threads_started", -1L, "gc_pause_seconds", -1.0, "allocations", List.of(), "cpu", List.of(),
                    "thread_starters", List.of(), "allocated_classes", List.of());
        }
        return map("recorded", true, "seconds", p.window().toMillis() / 1000.0, "allocated_bytes", p.allocationBytes(),
                "cpu_samples", p.cpuSamples(), "threads_started", p.threadsStarted(),
                "gc_pause_seconds", p.gc().totalPause().toNanos() / 1e9,
                "allocations", sites(p.allocationSites(), p.allocationBytes()),
                "cpu", sites(p.cpuSites(), p.cpuSamples()),
                "thread_starters", p.threadStarters().stream().map(s -> (Object) map("frame", s.frame(), "threads",
                        s.count(), "names", s.examples(), "stack", s.stack())).toList(),
                "allocated_classes", p.allocatedClasses().stream().map(c -> (Object) map("class", c.className(),
                        "bytes", c.bytes(), "sites", sites(c.sites(), c.bytes()))).toList());
    }

    /** Each site's frame, weight, share of {@code total} (0 to 1) and stack. */
    private static List<Object> sites(List<Profile.Site> sites, long total) {
        return sites.stream().map(s -> (Object) map("frame", s.frame(), "weight", s.weight(),
                "share", total > 0 ? (double) s.weight() / total : 0.0, "stack", s.stack())).toList();
    }

    /** The performance counters: the latest, and the share of time in pauses between the first and the last round. */
    private static Map<String, Object> gc(JvmSnapshot s) {
        dev.sage.snapshot.PerfCounters last = s.lastPerfCounters();
        if (last == null) {
            return map("old_used_bytes", -1L, "old_max_bytes", -1L, "collections", -1L, "full_collections", -1L,
                    "pause_seconds", -1.0, "pause_share", -1.0);
        }
        dev.sage.snapshot.PerfCounters first = s.perfCounters().get(0);
        double wall = last.seconds() - first.seconds();
        return map("old_used_bytes", last.oldGeneration().map(o -> o.usedBytes()).orElse(-1L),
                "old_max_bytes", last.oldGeneration().map(o -> o.maxCapacityBytes()).orElse(-1L),
                "collections", last.invocations(), "full_collections", last.fullInvocations(),
                "pause_seconds", last.gcSeconds(),
                "pause_share", s.perfCounters().size() >= 2 && wall > 0 ? (last.gcSeconds() - first.gcSeconds()) / wall : -1.0);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
