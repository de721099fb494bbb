package dev.sage.check;

import dev.sage.diagnosis.Units;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.PerfCounters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks over heap, native memory, process and container figures, and class histograms. */
final class MemoryChecks {
    private MemoryChecks() {}

    /**
     * The live set's share of the maximum heap, from one {@code GC.heap_info}: "used" less what is young (mostly
     * garbage on a busy JVM), so a heap full of young garbage between two collections is not pressure.
     */
    static final class HeapUsedFraction implements Check {
        @Override public String name() { return "heap_used_fraction"; }
        @Override public String description() {
            return "the heap's live set (used less the young generation) is at least `min` of the maximum heap";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min", Param.Type.NUMBER, 0.85,
                            "the live set's share of the maximum heap, 0 to 1 (G1, Parallel, Serial, CMS: young taken off)"),
                    Param.optional("min_used", Param.Type.NUMBER, 0.9,
                            "the used share, for collectors with no young generation to take off (ZGC, Shenandoah)"),
                    Param.optional("unless_counters", Param.Type.BOOL, false,
                            "stay quiet when the performance counters tell the old generation (gc_pressure judges it better)"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.HEAP_INFO); }
        @Override public List<String> figures() { return List.of("used", "live", "max", "percent", "collector"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            if (p.bool("unless_counters") && s.lastPerfCounters() != null && s.lastPerfCounters().oldGeneration().isPresent()) {
                return Optional.empty();
            }
            long used = s.heap().liveEstimateBytes();
            long max = maxHeap(s);
            if (max <= 0) {
                return Optional.empty();
            }
            double share = (double) used / max;
            boolean generational = switch (s.heap().collector()) {
                case G1, PARALLEL, SERIAL, CMS -> true;
                default -> false;
            };
            if (share < p.number(generational ? "min" : "min_used")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("used", Units.bytes(s.heap().usedBytes()));
            f.put("live", Units.bytes(used));
            f.put("max", Units.bytes(max));
            f.put("percent", Math.round(share * 100));
            f.put("collector", s.heap().collector().displayName());
            return Optional.of(new Match(share, f));
        }
    }

    /** Native memory tracking is off. */
    static final class NativeMemoryNotTracked implements Check {
        @Override public String name() { return "native_memory_not_tracked"; }
        @Override public String description() { return "VM.native_memory answered that tracking is not enabled"; }
        @Override public List<Param> params() { return List.of(); }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.NATIVE_MEMORY_ANSWER); }
        @Override public List<String> figures() { return List.of("rss"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            if (!(s.nativeMemory() instanceof NativeMemory.NotEnabled)) {
                return Optional.empty();
            }
            return Optional.of(new Match(1, Map.of("rss", s.process() == null ? "unknown" : Units.bytes(s.process().vmRssBytes()))));
        }
    }

    /** The process's resident memory against the container's limit. */
    static final class RssNearContainerLimit implements Check {
        @Override public String name() { return "rss_near_container_limit"; }
        @Override public String description() { return "the process's RSS is at least `min` of the container memory limit"; }
        @Override public List<Param> params() {
            return List.of(Param.optional("min", Param.Type.NUMBER, 0.9, "share of the limit, 0 to 1"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.PROCESS, Requirement.CONTAINER_LIMIT); }
        @Override public List<String> figures() { return List.of("rss", "limit", "percent", "working_set"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            long rss = s.process().vmRssBytes();
            long limit = s.cgroup().limitBytes();
            double share = (double) rss / limit;
            if (share < p.number("min")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("rss", Units.bytes(rss));
            f.put("limit", Units.bytes(limit));
            f.put("percent", Math.round(share * 100));
            f.put("working_set", s.cgroup().workingSetBytes() < 0 ? "unknown" : Units.bytes(s.cgroup().workingSetBytes()));
            return Optional.of(new Match(share, f));
        }
    }

    /**
     * Native memory categories growing since NMT's baseline ({@code VM.native_memory summary.diff}): Class and Module
     * growing by hundreds of MB with tens of thousands of new class loader data structures is a class loader leak,
     * seen without a single histogram.
     */
    static final class NativeCategoryGrowth implements Check {
        @Override public String name() { return "native_category_growth"; }
        @Override public String description() {
            return "native memory tracking's `categories` grew by at least `min` committed since the baseline (summary.diff)";
        }
        @Override public List<Param> params() {
            return List.of(Param.required("categories", Param.Type.STRINGS, "NMT categories, e.g. Class, Module, Metaspace"),
                    Param.optional("min", Param.Type.BYTES, 100L << 20, "their committed growth together"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.NATIVE_MEMORY); }
        @Override public List<String> figures() { return List.of("growth", "categories", "committed"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();
            if (!nmt.diff()) {
                return Optional.empty();
            }
            long growth = 0;
            long committed = 0;
            List<String> grew = new java.util.ArrayList<>();
            for (String name : p.strings("categories")) {
                Optional<NativeMemory.Category> c = nmt.category(name);
                if (c.isPresent() && c.get().amount().committedDeltaBytes() > 0) {
                    growth += c.get().amount().committedDeltaBytes();
                    committed += c.get().amount().committedBytes();
                    grew.add(name + " " + Units.signedBytes(c.get().amount().committedDeltaBytes()));
                }
            }
            if (growth < p.integer("min")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("growth", Units.bytes(growth));
            f.put("categories", String.join(", ", grew));
            f.put("committed", Units.bytes(committed));
            return Optional.of(new Match(growth, f));
        }
    }

    /**
     * RSS beyond everything native memory tracking accounts for: memory malloc'ed by native code the JVM does
     * not track (zlib, JNI libraries, glibc arena fragmentation). NMT's committed figure counts the whole
     * committed heap as if resident, so the gap is a lower bound.
     */
    static final class RssBeyondNmt implements Check {
        @Override public String name() { return "rss_beyond_nmt"; }
        @Override public String description() {
            return "RSS exceeds what native memory tracking accounts for by at least `min_gap` and `min_share` of RSS";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_gap", Param.Type.BYTES, 64L << 20, "RSS minus NMT committed"),
                    Param.optional("min_share", Param.Type.NUMBER, 0.2, "that gap over RSS"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.PROCESS, Requirement.NATIVE_MEMORY); }
        @Override public List<String> figures() { return List.of("rss", "tracked", "gap", "share", "breakdown"); }
        // "rss" here is the anonymous part of RSS

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();
            // anonymous RSS only: file-backed pages (libjvm.so, lib/modules, jars) are never in NMT
            long rss = s.process().rssAnonBytes() > 0 ? s.process().rssAnonBytes() : s.process().vmRssBytes();
            long tracked = nmt.total().committedBytes();
            long gap = rss - tracked;
            if (gap < p.integer("min_gap") || (double) gap / rss < p.number("min_share")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("rss", Units.bytes(rss));
            f.put("tracked", Units.bytes(tracked));
            f.put("gap", Units.bytes(gap));
            f.put("share", Math.round(100.0 * gap / rss));
            f.put("breakdown", breakdown(s, nmt, gap));
            return Optional.of(new Match(gap, f));
        }
    }

    /** Where a JVM's memory goes, from NMT: the lines of the memory breakdown. */
    static List<String> breakdown(JvmSnapshot s, NativeMemory.Summary nmt, long untracked) {
        List<String> lines = new ArrayList<>();
        long listed = 0;
        for (String[] c : new String[][] {{"Java Heap", "heap"}, {"Class", "class metadata (metaspace)"},
                {"Thread", "thread stacks"}, {"Code", "code cache"}, {"GC", "GC structures"},
                {"Other", "other (direct buffers)"}}) {
            Optional<NativeMemory.Category> cat = nmt.category(c[0]);
            if (cat.isPresent()) {
                long committed = cat.get().amount().committedBytes();
                listed += committed;
                String extra = c[0].equals("Thread") && cat.get().count() >= 0 ? " (" + cat.get().count() + " threads)" : "";
                lines.add(c[1] + " " + Units.bytes(committed) + extra);
            }
        }
        lines.add("the rest of NMT " + Units.bytes(Math.max(0, nmt.total().committedBytes() - listed)));
        lines.add("not tracked by NMT " + Units.bytes(untracked));
        if (s.cgroup() != null && s.cgroup().limitBytes() > 0) {
            lines.add("container limit " + Units.bytes(s.cgroup().limitBytes()));
        }
        return lines;
    }

    /** Classes that grow between the first and the last histogram. */
    static final class HistogramGrowth implements Check {
        @Override public String name() { return "histogram_growth"; }
        @Override public String description() {
            return "classes whose instances grow by at least `min_instances` and `min_bytes` between the first and last histogram";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_instances", Param.Type.INT, 1000L, "instances added"),
                    Param.optional("min_bytes", Param.Type.BYTES, 1L << 20, "bytes added"),
                    Param.optional("classes", Param.Type.STRINGS, List.of(), "only classes whose name contains one of these (empty: any)"),
                    Param.optional("ignore", Param.Type.STRINGS, List.of("[B", "[C", "java.lang.String", "[Ljava.lang.Object;",
                            "[I", "[J"), "classes left out: buffers and strings grow with any workload"),
                    Param.optional("min_old_growth", Param.Type.BYTES, 0L, "when the performance counters of the first and"
                            + " the last round tell the old generation, it must have grown this much too: GC.class_histogram"
                            + " -all counts garbage, and garbage does not survive into the old generation (0: not required)"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.TWO_HISTOGRAMS); }
        @Override public List<String> figures() {
            return ProfileFigures.plus(List.of("growers", "class", "top_instances", "top_bytes", "histograms"),
                    ProfileFigures.ALLOCATIONS);
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            List<String> only = p.strings("classes");
            List<String> ignore = p.strings("ignore");
            java.util.function.Predicate<String> wanted = cls -> !ignore.contains(cls)
                    && (only.isEmpty() || only.stream().anyMatch(cls::contains));
            if (p.integer("min_old_growth") > 0 && oldGrowth(s).orElse(Long.MAX_VALUE) < p.integer("min_old_growth")) {
                return Optional.empty(); // the growth did not survive: an allocation burst, not a leak
            }
            Map<String, ClassHistogram.Totals> first = s.histograms().get(0).totalsByClass(wanted);
            Map<String, ClassHistogram.Totals> last = s.lastHistogram().totalsByClass(wanted);
            List<Map.Entry<String, long[]>> grown = new ArrayList<>();
            for (Map.Entry<String, ClassHistogram.Totals> e : last.entrySet()) {
                String cls = e.getKey();
                ClassHistogram.Totals before = first.getOrDefault(cls, ClassHistogram.Totals.NONE);
                long di = e.getValue().instances() - before.instances();
                long db = e.getValue().bytes() - before.bytes();
                if (di >= p.integer("min_instances") && db >= p.integer("min_bytes")) {
                    grown.add(Map.entry(cls, new long[] {di, db, e.getValue().instances()}));
                }
            }
            if (grown.isEmpty()) {
                return Optional.empty();
            }
            grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, long[]> g : grown.subList(0, Math.min(5, grown.size()))) {
                lines.add(ClassHistogram.Row.readable(g.getKey()) + ": +" + Units.count(g.getValue()[0]) + " instances ("
                        + Units.signedBytes(g.getValue()[1]) + "), now " + Units.count(g.getValue()[2]));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("growers", lines);
            f.put("class", ClassHistogram.Row.readable(grown.get(0).getKey()));
            f.put("top_instances", Units.count(grown.get(0).getValue()[0]));
            f.put("top_bytes", Units.signedBytes(grown.get(0).getValue()[1]));
            f.put("histograms", s.histograms().size());
            f.putAll(ProfileFigures.allocations(s, grown.stream().map(Map.Entry::getKey).toList()));
            return Optional.of(new Match(grown.get(0).getValue()[1], f));
        }
    }

    /** One application class with a very large number of live instances, in a single histogram. */
    static final class HistogramDominantClass implements Check {
        @Override public String name() { return "histogram_dominant_class"; }
        @Override public String description() {
            return "an application class (not JDK) has at least `min_instances` instances in the latest histogram";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_instances", Param.Type.INT, 1_000_000L, "instances of one class"),
                    Param.optional("jdk_packages", Param.Type.STRINGS, List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "["),
                            "name prefixes of classes that are not the application's"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.HISTOGRAM); }
        @Override public List<String> figures() {
            return ProfileFigures.plus(List.of("class", "instances", "bytes", "share"), ProfileFigures.ALLOCATIONS);
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            ClassHistogram h = s.lastHistogram();
            for (ClassHistogram.Row r : h.rows()) {
                if (r.instances() >= p.integer("min_instances")
                        && p.strings("jdk_packages").stream().noneMatch(r.className()::startsWith)) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("class", r.readableClassName());
                    f.put("instances", Units.count(r.instances()));
                    f.put("bytes", Units.bytes(r.bytes()));
                    f.put("share", Math.round(100.0 * r.bytes() / Math.max(1, h.totalBytes())));
                    f.putAll(ProfileFigures.allocations(s, List.of(r.className())));
                    return Optional.of(new Match(r.instances(), f));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Heap pressure judged on what survives collections: the old generation after the last collection (from the
     * performance counters) against the maximum heap, and, with two rounds, the share of the time between them spent
     * in collection pauses.
     */
    static final class GcPressure implements Check {
        @Override public String name() { return "gc_pressure"; }
        @Override public String description() {
            return "the old generation after the last collection holds at least `min_live` of the maximum heap, and, when"
                    + " `min_gc_share` is set, collection pauses took that share of the time between the first and the last round";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_live", Param.Type.NUMBER, 0.85, "old generation over the maximum heap, 0 to 1"),
                    Param.optional("min_gc_share", Param.Type.NUMBER, 0.0,
                            "pause time over wall time between the rounds, 0 to 1 (0: not required)"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.PERF_COUNTERS); }
        @Override public List<String> figures() {
            return List.of("old", "max", "percent", "collector", "gc_share", "gc_seconds", "collections", "full_collections", "seconds");
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            PerfCounters last = s.lastPerfCounters();
            Optional<PerfCounters.Space> old = last.oldGeneration();
            long max = maxHeap(s);
            if (old.isEmpty() || max <= 0) {
                return Optional.empty();
            }
            double live = (double) old.get().usedBytes() / max;
            if (live < p.number("min_live")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("old", Units.bytes(old.get().usedBytes()));
            f.put("max", Units.bytes(max));
            f.put("percent", Math.round(live * 100));
            f.put("collector", s.heap() != null ? s.heap().collector().displayName()
                    : last.text("sun.gc.policy.name").orElse("unknown"));
            PerfCounters first = s.perfCounters().get(0);
            double wall = last.seconds() - first.seconds();
            double share = -1;
            if (s.perfCounters().size() >= 2 && first.seconds() >= 0 && wall > 0) {
                double gc = last.gcSeconds() - first.gcSeconds();
                share = gc / wall;
                f.put("gc_share", Math.round(share * 100));
                f.put("gc_seconds", String.format(java.util.Locale.ROOT, "%.1f", gc));
                f.put("collections", Units.count(last.invocations() - first.invocations()));
                f.put("full_collections", last.fullInvocations() - first.fullInvocations());
                f.put("seconds", Math.round(wall));
            }
            if (p.number("min_gc_share") > 0 && share < p.number("min_gc_share")) {
                return Optional.empty();
            }
            return Optional.of(new Match(live + Math.max(0, share), f));
        }
    }

    /**
     * A map that keeps what it is given: its entries grow between every two histograms, into maps that already existed,
     * while the old generation grows too. {@code GC.class_histogram -all} counts garbage, so the entries alone prove
     * nothing on a busy JVM: a service that builds a small map per request adds entries and maps together, and under
     * load some of that garbage is promoted. A cache adds entries to one map (its table is replaced as it grows, one
     * more table at a time), and what it keeps survives collections.
     */
    static final class MapGrowth implements Check {
        @Override public String name() { return "map_growth"; }
        @Override public String description() {
            return "map entries (`node_classes`) grow between every two histograms, by at least `min_entries`, while the"
                    + " old generation grows by at least `min_old_growth`; and either the entries went into maps that already"
                    + " existed (`min_entries_per_map` for each table added)"
                    + " or what grew with them is big (`min_bytes_per_entry` for each)";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("node_classes", Param.Type.STRINGS, List.of("java.util.HashMap$Node",
                            "java.util.LinkedHashMap$Entry", "java.util.concurrent.ConcurrentHashMap$Node", "java.util.TreeMap$Entry",
                            "java.util.Hashtable$Entry", "java.util.WeakHashMap$Entry", "java.util.concurrent.ConcurrentSkipListMap$Node"),
                            "the classes of a map's entries"),
                    Param.optional("min_entries", Param.Type.INT, 500L, "entries added"),
                    Param.optional("map_classes", Param.Type.STRINGS, List.of("[Ljava.util.HashMap$Node;",
                            "[Ljava.util.concurrent.ConcurrentHashMap$Node;", "[Ljava.util.Hashtable$Entry;",
                            "[Ljava.util.WeakHashMap$Entry;", "java.util.TreeMap", "java.util.concurrent.ConcurrentSkipListMap"),
                            "the classes of a map's table (or, for sorted maps, the map itself): one more per new map"),
                    Param.optional("min_entries_per_map", Param.Type.INT, 100L,
                            "entries added for each map or table added: garbage maps built per request add both"),
                    Param.optional("min_bytes_per_entry", Param.Type.BYTES, 1L << 10,
                            "bytes of the classes that grew with the entries, for each entry: a cache of responses keeps"
                            + " kilobytes per entry, a map built per request a few small objects"),
                    Param.optional("min_old_growth", Param.Type.BYTES, 16L << 20, "old generation growth over the same rounds"),
                    Param.optional("jdk_packages", Param.Type.STRINGS, List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "["),
                            "name prefixes of classes that are not the application's"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.TWO_HISTOGRAMS, Requirement.TWO_PERF_COUNTERS); }
        @Override public List<String> figures() {
            return ProfileFigures.plus(List.of("class", "map_class", "entries", "now", "old_growth", "seconds", "rate", "with",
                    "fill", "histograms"), ProfileFigures.ALLOCATIONS);
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            List<String> nodes = p.strings("node_classes");
            List<ClassHistogram> hs = s.histograms();
            for (int i = 1; i < hs.size(); i++) {
                if (entries(hs.get(i), nodes) <= entries(hs.get(i - 1), nodes)) {
                    return Optional.empty(); // a cache that grows keeps growing; garbage comes and goes
                }
            }
            Map<String, ClassHistogram.Totals> first = hs.get(0).totalsByClass();
            Map<String, ClassHistogram.Totals> last = s.lastHistogram().totalsByClass();
            long added = entries(s.lastHistogram(), nodes) - entries(hs.get(0), nodes);
            Optional<Long> growth = oldGrowth(s);
            if (added < p.integer("min_entries") || growth.isEmpty()) {
                return Optional.empty();
            }
            long oldGrowth = growth.get();
            PerfCounters.Space oldNow = s.lastPerfCounters().oldGeneration().orElseThrow();
            long maps = entries(s.lastHistogram(), p.strings("map_classes")) - entries(hs.get(0), p.strings("map_classes"));
            if (oldGrowth < p.integer("min_old_growth")) {
                return Optional.empty();
            }
            // what grew with the entries: the keys and values the map keeps
            List<Map.Entry<String, ClassHistogram.Totals>> with = new ArrayList<>();
            long withBytes = 0;
            for (String cls : last.keySet()) {
                ClassHistogram.Totals d = delta(first, last, cls);
                if (!nodes.contains(cls) && !p.strings("map_classes").contains(cls) && d.instances() >= added / 2 && d.bytes() > 0) {
                    with.add(Map.entry(cls, d));
                    withBytes += d.bytes();
                }
            }
            boolean intoExistingMaps = added >= p.integer("min_entries_per_map") * Math.max(1, maps);
            boolean bigEntries = withBytes >= p.integer("min_bytes_per_entry") * added;
            if (!(intoExistingMaps || bigEntries)) {
                return Optional.empty();
            }
            String mapClass = nodes.get(0);
            long most = Long.MIN_VALUE;
            for (String n : nodes) {
                long d = delta(first, last, n).instances();
                if (d > most) {
                    most = d;
                    mapClass = n;
                }
            }
            with.sort((a, b) -> Long.compare(b.getValue().bytes(), a.getValue().bytes()));
            String named = with.stream().map(Map.Entry::getKey)
                    .filter(c -> p.strings("jdk_packages").stream().noneMatch(c::startsWith)).findFirst().orElse(mapClass);
            double seconds = s.lastPerfCounters().seconds() - s.perfCounters().get(0).seconds();
            long max = maxHeap(s);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("class", ClassHistogram.Row.readable(named));
            f.put("map_class", ClassHistogram.Row.readable(mapClass));
            f.put("entries", Units.count(added));
            f.put("now", Units.count(entries(s.lastHistogram(), nodes)));
            f.put("old_growth", Units.bytes(oldGrowth));
            f.put("histograms", hs.size());
            if (seconds > 0) {
                double perMinute = oldGrowth / seconds * 60;
                f.put("seconds", Math.round(seconds));
                f.put("rate", Units.bytes((long) perMinute) + "/min");
                if (max > 0) {
                    double minutes = Math.max(0, max - oldNow.usedBytes()) / perMinute;
                    f.put("fill", minutes < 120 ? "about " + Math.max(1, Math.round(minutes)) + " min"
                            : "about " + Math.round(minutes / 60) + " h");
                }
            }
            List<String> withLines = new ArrayList<>();
            for (Map.Entry<String, ClassHistogram.Totals> w : with.subList(0, Math.min(3, with.size()))) {
                withLines.add(ClassHistogram.Row.readable(w.getKey()) + " +" + Units.count(w.getValue().instances())
                        + " (" + Units.signedBytes(w.getValue().bytes()) + ")");
            }
            if (!withLines.isEmpty()) {
                f.put("with", String.join(", ", withLines));
            }
            // who allocated what the map keeps: its entries (allocated where the application calls put) and what grew
            // with them
            List<String> kept = new ArrayList<>(List.of(mapClass, named));
            with.forEach(w -> kept.add(w.getKey()));
            f.putAll(ProfileFigures.allocations(s, kept));
            return Optional.of(new Match(oldGrowth, f));
        }

        private static long entries(ClassHistogram h, List<String> nodes) {
            long n = 0;
            for (ClassHistogram.Totals t : h.totalsByClass(nodes::contains).values()) {
                n += t.instances();
            }
            return n;
        }

        private static ClassHistogram.Totals delta(Map<String, ClassHistogram.Totals> first,
                                                   Map<String, ClassHistogram.Totals> last, String cls) {
            ClassHistogram.Totals a = first.getOrDefault(cls, ClassHistogram.Totals.NONE);
            ClassHistogram.Totals b = last.getOrDefault(cls, ClassHistogram.Totals.NONE);
            return new ClassHistogram.Totals(b.instances() - a.instances(), b.bytes() - a.bytes());
        }
    }

    /**
     * A performance counter's growth between the first and the last round, e.g. {@code sun.gc.metaspace.used}: class
     * metadata that keeps growing across rounds is a class loader leak even without a histogram or NMT.
     */
    static final class CounterGrowth implements Check {
        @Override public String name() { return "counter_growth"; }
        @Override public String description() {
            return "the performance counter `counter` grew by at least `min` between the first and the last round";
        }
        @Override public List<Param> params() {
            return List.of(Param.required("counter", Param.Type.STRING, "a counter of PerfCounter.print, e.g. sun.gc.metaspace.used"),
                    Param.optional("min", Param.Type.BYTES, 1L, "its growth, in the counter's own unit (a size like 32MiB for bytes)"),
                    Param.optional("bytes", Param.Type.BOOL, true, "whether the counter is a size in bytes (for the wording)"),
                    Param.optional("min_uptime", Param.Type.NUMBER, 0.0,
                            "seconds the JVM must have run at the first round: a JVM starting up loads classes by the thousand"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.TWO_PERF_COUNTERS); }
        @Override public List<String> figures() { return List.of("counter", "growth", "from", "to", "seconds"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            String name = p.string("counter");
            PerfCounters first = s.perfCounters().get(0);
            PerfCounters last = s.lastPerfCounters();
            if (first.number(name).isEmpty() || last.number(name).isEmpty() || first.seconds() < p.number("min_uptime")) {
                return Optional.empty();
            }
            long a = first.number(name).getAsLong();
            long b = last.number(name).getAsLong();
            if (b - a < p.integer("min")) {
                return Optional.empty();
            }
            java.util.function.LongFunction<String> shown = p.bool("bytes") ? Units::bytes : Units::count;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("counter", name);
            f.put("growth", shown.apply(b - a));
            f.put("from", shown.apply(a));
            f.put("to", shown.apply(b));
            if (first.seconds() >= 0 && last.seconds() > first.seconds()) {
                f.put("seconds", Math.round(last.seconds() - first.seconds()));
            }
            return Optional.of(new Match(b - a, f));
        }
    }

    /**
     * How much the old generation grew between the first and the last round's counters: what survived collections.
     * Empty with fewer than two rounds of counters, or a collector with no old generation.
     */
    static Optional<Long> oldGrowth(JvmSnapshot s) {
        if (s.perfCounters().size() < 2) {
            return Optional.empty();
        }
        Optional<PerfCounters.Space> before = s.perfCounters().get(0).oldGeneration();
        Optional<PerfCounters.Space> now = s.lastPerfCounters().oldGeneration();
        return before.isPresent() && now.isPresent() ? Optional.of(now.get().usedBytes() - before.get().usedBytes())
                : Optional.empty();
    }

    /** The maximum heap: {@code MaxHeapSize}, else the reserved heap, else the old generation's maximum; -1. */
    static long maxHeap(JvmSnapshot s) {
        if (s.flags() != null && s.flags().maxHeapSize().isPresent()) {
            return s.flags().maxHeapSize().getAsLong();
        }
        if (s.heap() != null && s.heap().reservedBytes() > 0) {
            return s.heap().reservedBytes();
        }
        PerfCounters pc = s.lastPerfCounters();
        return pc == null ? -1 : pc.oldGeneration().map(PerfCounters.Space::maxCapacityBytes).orElse(-1L);
    }
}
