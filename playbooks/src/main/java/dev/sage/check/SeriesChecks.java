package dev.sage.check;

import dev.sage.diagnosis.Units;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.StackFrame;
import dev.sage.snapshot.ThreadDump;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks that compare the first and the last thread dump, and single-histogram and heap sizing checks. */
final class SeriesChecks {
    private SeriesChecks() {}

    /** The same thread, in both dumps, still in one of `methods` with the same top of stack: stuck, not busy. */
    static final class ThreadsStuckInFrame implements Check {
        @Override public String name() { return "threads_stuck_in_frame"; }
        @Override public String description() {
            return "threads in one of `methods` with the same stack in the first and the last dump";
        }
        @Override public List<Param> params() {
            return List.of(Param.required("methods", Param.Type.STRINGS, "class.method names, e.g. java.util.concurrent.CountDownLatch.await"),
                    Param.optional("unless", Param.Type.STRINGS, List.of(), "methods that, on the stack, mean it is fine (e.g. a timed read)"),
                    Param.optional("unless_packages", Param.Type.STRINGS, List.of(),
                            "class name prefixes that, on the stack, mean it is fine (e.g. a server waiting for its client)"),
                    Param.optional("states", Param.Type.STRINGS, List.of(), "only threads in these states in both dumps (empty: any)"),
                    Param.optional("ignore_threads", Param.Type.STRINGS, List.of(), "thread names left out (e.g. main awaiting shutdown)"),
                    Param.optional("min_seconds", Param.Type.NUMBER, 0.0, "at least this long between the dumps (from elapsed=)"),
                    Param.optional("min", Param.Type.INT, 1L, "how many stuck threads"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.TWO_THREAD_DUMPS); }
        @Override public List<String> figures() { return List.of("count", "names", "frame", "stack", "library", "seconds"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            ThreadDump first = s.threadDumps().get(0);
            ThreadDump last = s.lastThreadDump();
            Map<Key, JvmThread> before = new java.util.HashMap<>();
            first.threads().forEach(t -> before.putIfAbsent(key(t), t));
            Set<String> methods = Set.copyOf(p.strings("methods"));
            Set<String> unless = Set.copyOf(p.strings("unless"));
            List<String> unlessPackages = p.strings("unless_packages");
            List<String> states = p.strings("states");
            Set<String> ignored = Set.copyOf(p.strings("ignore_threads"));
            List<JvmThread> stuck = new ArrayList<>();
            List<String> hits = new ArrayList<>();
            for (JvmThread t : last.threads()) {
                JvmThread b = before.get(key(t));
                if (b == null || ignored.contains(t.name()) || !sameTop(b, t, 3) || (!states.isEmpty()
                        && !(states.contains(t.state().name()) && states.contains(b.state().name())))) {
                    continue;
                }
                if (t.elapsedSeconds() != null && b.elapsedSeconds() != null
                        && t.elapsedSeconds() - b.elapsedSeconds() < p.number("min_seconds")) {
                    continue;
                }
                String hit = null;
                boolean excused = false;
                for (StackFrame f : t.frames()) {
                    if (hit == null && methods.contains(f.method())) {
                        hit = f.method();
                    }
                    excused |= unless.contains(f.method()) || startsWithAny(f.text(), unlessPackages);
                }
                if (hit != null && !excused) {
                    stuck.add(t);
                    hits.add(hit);
                }
            }
            if (stuck.size() < p.integer("min")) {
                return Optional.empty();
            }
            JvmThread example = stuck.get(0);
            JvmThread then = before.get(key(example));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("count", stuck.size());
            f.put("names", ThreadChecks.names(stuck, 5));
            f.put("frame", hits.get(0)); // the example's own frame, beside its own stack
            f.put("stack", ThreadChecks.topFrames(example, 8));
            f.put("library", library(example));
            f.put("seconds", example.elapsedSeconds() != null && then.elapsedSeconds() != null
                    ? String.format(Locale.ROOT, "%.0f", example.elapsedSeconds() - then.elapsedSeconds()) : "some");
            return Optional.of(new Match(stuck.size(), f));
        }
    }

    /** The same RUNNABLE thread on the same stack in both dumps, having burnt most of the wall time on CPU. */
    static final class CpuSpin implements Check {
        @Override public String name() { return "cpu_spin"; }
        @Override public String description() {
            return "a thread RUNNABLE on the same stack in both dumps whose cpu= grew by at least `min_share` of the wall time";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_share", Param.Type.NUMBER, 0.8, "CPU time over wall time between the dumps"),
                    Param.optional("min_seconds", Param.Type.NUMBER, 1.0, "wall time between the dumps"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.TWO_THREAD_DUMPS); }
        @Override public List<String> figures() { return List.of("thread", "share", "cpu_seconds", "wall_seconds", "stack", "count"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            Map<Key, JvmThread> before = new java.util.HashMap<>();
            s.threadDumps().get(0).threads().forEach(t -> before.putIfAbsent(key(t), t));
            List<JvmThread> spinning = new ArrayList<>();
            double best = 0;
            double bestCpu = 0;
            double bestWall = 0;
            JvmThread top = null;
            for (JvmThread t : s.lastThreadDump().threads()) {
                JvmThread b = before.get(key(t));
                if (b == null || t.cpuMillis() == null || b.cpuMillis() == null || t.elapsedSeconds() == null
                        || b.elapsedSeconds() == null || t.frames().isEmpty() || !sameMethods(b, t, 2)
                        || t.state() != dev.sage.snapshot.ThreadState.RUNNABLE || b.state() != dev.sage.snapshot.ThreadState.RUNNABLE) {
                    continue;
                }
                double wall = t.elapsedSeconds() - b.elapsedSeconds();
                double cpu = (t.cpuMillis() - b.cpuMillis()) / 1000.0;
                if (wall < p.number("min_seconds") || cpu / wall < p.number("min_share")) {
                    continue;
                }
                spinning.add(t);
                if (cpu / wall > best) {
                    best = cpu / wall;
                    bestCpu = cpu;
                    bestWall = wall;
                    top = t;
                }
            }
            if (top == null) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("thread", "\"" + top.name() + "\"");
            f.put("share", Math.round(best * 100));
            f.put("cpu_seconds", String.format(Locale.ROOT, "%.1f", bestCpu));
            f.put("wall_seconds", String.format(Locale.ROOT, "%.1f", bestWall));
            f.put("stack", ThreadChecks.topFrames(top, 5));
            f.put("count", spinning.size());
            return Optional.of(new Match(best * spinning.size(), f));
        }
    }

    /** The instances of given classes in the latest histogram. */
    static final class HistogramClassInstances implements Check {
        @Override public String name() { return "histogram_class_instances"; }
        @Override public String description() { return "the latest histogram holds at least `min` instances of the `classes`"; }
        @Override public List<Param> params() {
            return List.of(Param.required("classes", Param.Type.STRINGS, "JVM class names, e.g. java.lang.ref.Finalizer"),
                    Param.optional("min", Param.Type.INT, 10_000L, "instances, all the classes together"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.HISTOGRAM); }
        @Override public List<String> figures() { return List.of("instances", "bytes", "class"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            long instances = 0;
            long bytes = 0;
            for (ClassHistogram.Row r : s.lastHistogram().rows()) {
                if (p.strings("classes").contains(r.className())) {
                    instances += r.instances();
                    bytes += r.bytes();
                }
            }
            if (instances < p.integer("min")) {
                return Optional.empty();
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("instances", Units.count(instances));
            f.put("bytes", Units.bytes(bytes));
            f.put("class", String.join(", ", p.strings("classes").stream().map(ClassHistogram.Row::readable).toList()));
            return Optional.of(new Match(instances, f));
        }
    }

    /** The finalizer's queue, from {@code GC.finalizer_info}: objects unreachable and still waiting for finalize(). */
    static final class FinalizerQueueLength implements Check {
        @Override public String name() { return "finalizer_queue"; }
        @Override public String description() { return "at least `min` objects wait in the finalizer's queue (GC.finalizer_info)"; }
        @Override public List<Param> params() {
            return List.of(Param.optional("min", Param.Type.INT, 10_000L, "objects waiting, all classes together"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.FINALIZER_INFO); }
        @Override public List<String> figures() { return List.of("queued", "classes"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            long total = s.finalizerQueue().total();
            if (total < p.integer("min")) {
                return Optional.empty();
            }
            List<String> classes = new ArrayList<>();
            for (Map.Entry<String, Long> e : s.finalizerQueue().byClass().entrySet()) {
                if (classes.size() == 3) {
                    classes.add("and " + (s.finalizerQueue().byClass().size() - 3) + " more classes");
                    break;
                }
                classes.add(ClassHistogram.Row.readable(e.getKey()) + " x" + Units.count(e.getValue()));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("queued", Units.count(total));
            f.put("classes", String.join(", ", classes));
            return Optional.of(new Match(total, f));
        }
    }

    /** Heap committed far above used: memory the JVM holds and does not give back. */
    static final class HeapCommittedUnused implements Check {
        @Override public String name() { return "heap_committed_unused"; }
        @Override public String description() {
            return "heap committed exceeds the live set (used less young garbage) by at least `min_unused` and `min_ratio`"
                    + " times, and, when RSS is known and `min_rss_share` is set, that unused part is that share of RSS"
                    + " while the heap is resident";
        }
        @Override public List<Param> params() {
            return List.of(Param.optional("min_unused", Param.Type.BYTES, 256L << 20, "committed minus live"),
                    Param.optional("min_ratio", Param.Type.NUMBER, 3.0, "committed over live"),
                    Param.optional("min_rss_share", Param.Type.NUMBER, 0.0,
                            "the unused part over RSS (0: not judged); the heap must also be mostly resident"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.HEAP_INFO); }
        @Override public List<String> figures() {
            return List.of("committed", "used", "live", "unused", "collector", "pinned", "rss", "rss_share");
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            long committed = s.heap().committedBytes();
            long live = Math.max(1, s.heap().liveEstimateBytes());
            if (committed < 0 || committed - live < p.integer("min_unused") || (double) committed / live < p.number("min_ratio")) {
                return Optional.empty();
            }
            long rss = s.process() == null ? -1 : s.process().vmRssBytes();
            double share = rss > 0 ? (double) (committed - live) / rss : -1;
            if (p.number("min_rss_share") > 0 && rss > 0
                    // committed but never touched is not resident: only a heap that is mostly in RSS holds it
                    && (share < p.number("min_rss_share") || rss < committed * 0.8)) {
                return Optional.empty();
            }
            boolean pinned = s.flags() != null && s.flags().get("InitialHeapSize").isPresent()
                    && s.flags().get("InitialHeapSize").equals(s.flags().get("MaxHeapSize"));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("committed", Units.bytes(committed));
            f.put("used", Units.bytes(s.heap().usedBytes()));
            f.put("live", Units.bytes(live));
            f.put("unused", Units.bytes(committed - live));
            f.put("collector", s.heap().collector().displayName());
            f.put("pinned", pinned ? "-Xms equals -Xmx, so the heap can never shrink" : "the heap may shrink, but has not");
            f.put("rss", rss < 0 ? "unknown" : Units.bytes(rss));
            // more unused heap than RSS: not all of it is resident, and all of RSS is as good as that heap
            f.put("rss_share", share < 0 ? "unknown" : Long.toString(Math.min(100, Math.round(100 * share))));
            return Optional.of(new Match((double) committed / live, f));
        }
    }

    static boolean startsWithAny(String text, List<String> prefixes) {
        for (String p : prefixes) {
            if (text.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** A thread's identity across dumps: its name and number. */
    record Key(String name, long number) {}

    static Key key(JvmThread t) {
        return new Key(t.name(), t.number());
    }

    /**
     * The same methods on top of both stacks, whatever their line numbers: a busy loop is caught on different lines of
     * the same method from one dump to the next.
     */
    static boolean sameMethods(JvmThread a, JvmThread b, int n) {
        return sameTop(a, b, n, StackFrame::method);
    }

    /** The same top {@code n} frames, line numbers included. */
    static boolean sameTop(JvmThread a, JvmThread b, int n) {
        return sameTop(a, b, n, StackFrame::text);
    }

    private static boolean sameTop(JvmThread a, JvmThread b, int n, java.util.function.Function<StackFrame, String> part) {
        int k = Math.min(n, Math.min(a.frames().size(), b.frames().size()));
        if (k == 0) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (!part.apply(a.frames().get(i)).equals(part.apply(b.frames().get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The client library a blocked stack goes through, named for its timeout settings. */
    static String library(JvmThread t) {
        String[][] known = {
            {"okhttp3.", "OkHttp (OkHttpClient.Builder().readTimeout / callTimeout)"},
            {"org.apache.http.", "Apache HttpClient 4 (RequestConfig.setSocketTimeout / setConnectTimeout)"},
            {"org.apache.hc.client5.", "Apache HttpClient 5 (RequestConfig responseTimeout / ConnectionConfig socketTimeout)"},
            {"java.net.http.", "java.net.http.HttpClient (HttpRequest.Builder.timeout)"},
            {"sun.net.www.protocol.http.", "HttpURLConnection (setReadTimeout / setConnectTimeout)"},
            {"com.mysql.", "MySQL Connector/J (socketTimeout / connectTimeout URL properties)"},
            {"org.postgresql.", "PostgreSQL JDBC (socketTimeout / connectTimeout properties)"},
            {"oracle.jdbc.", "Oracle JDBC (oracle.jdbc.ReadTimeout)"},
            {"redis.clients.jedis.", "Jedis (soTimeout)"},
            {"io.lettuce.", "Lettuce (ClientOptions timeoutOptions)"},
        };
        for (StackFrame f : t.frames()) {
            for (String[] k : known) {
                if (f.text().startsWith(k[0])) {
                    return k[1];
                }
            }
        }
        return "a plain java.net.Socket (Socket.setSoTimeout)";
    }
}
