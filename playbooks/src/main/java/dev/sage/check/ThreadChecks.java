package dev.sage.check;

import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.StackFrame;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadFamilies;
import dev.sage.snapshot.ThreadState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks over thread dumps. */
final class ThreadChecks {
    private ThreadChecks() {}

    /** The JVM's own deadlock report, in the latest dump. */
    static final class JvmReportsDeadlock implements Check {
        @Override public String name() { return "jvm_reports_deadlock"; }
        @Override public String description() { return "the JVM's thread dump reports a Java-level deadlock"; }
        @Override public List<Param> params() { return List.of(); }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.THREAD_DUMP); }
        @Override public List<String> figures() { return List.of("cycles", "cycle_count", "threads", "stacks"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            ThreadDump dump = s.lastThreadDump();
            if (dump.deadlocks().isEmpty()) {
                return Optional.empty();
            }
            List<String> cycles = new ArrayList<>();
            List<String> stacks = new ArrayList<>();
            int threads = 0;
            for (Deadlock d : dump.deadlocks()) {
                List<String> links = new ArrayList<>();
                for (Deadlock.Link l : d.links()) {
                    links.add("\"" + l.thread() + "\" waits for " + lock(l.lock()) + " held by \"" + l.heldBy() + "\"");
                    threads++;
                    // the thread of this cycle: named so, and waiting for this very lock (names can repeat)
                    dump.threads().stream().filter(t -> t.name().equals(l.thread()))
                            .filter(t -> l.lock().id().isEmpty() || t.locks().stream().anyMatch(a -> a.lock().id().equals(l.lock().id())))
                            .findFirst()
                            .ifPresent(t -> stacks.add("\"" + t.name() + "\" at " + topFrames(t, 3)));
                }
                cycles.add(String.join("; ", links));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("cycles", cycles);
            f.put("cycle_count", dump.deadlocks().size());
            f.put("threads", threads);
            f.put("stacks", stacks);
            return Optional.of(new Match(threads, f));
        }
    }

    /**
     * Many threads waiting for one lock: BLOCKED entering a monitor, or parked on a lock's synchronizer
     * (ReentrantLock, ReentrantReadWriteLock). Parking on a condition (idle pool workers waiting for a task)
     * is not waiting for a lock and is not counted.
     */
    static final class ThreadsWaitingOnSameLock implements Check {
        @Override public String name() { return "threads_waiting_on_same_lock"; }
        @Override public String description() { return "at least `min` threads wait for the same monitor or lock"; }
        @Override public List<Param> params() {
            return List.of(Param.optional("min", Param.Type.INT, 5L, "how many waiting threads make contention"),
                    Param.optional("idle_holder_methods", Param.Type.STRINGS, List.of("accept"),
                            "a holder whose top frame's method contains one of these is idle, not contending"
                                    + " (workers taking turns to accept connections)"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.THREAD_DUMP); }
        @Override public List<String> figures() {
            return List.of("waiters", "lock", "holder", "holder_state", "holder_stack", "waiter_names");
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            ThreadDump dump = s.lastThreadDump();
            Map<String, List<JvmThread>> byLock = new LinkedHashMap<>();
            Map<String, LockRef> locks = new LinkedHashMap<>();
            for (JvmThread t : dump.threads()) {
                Optional<LockRef> l = waitedLock(t);
                if (l.isPresent() && !l.get().id().isEmpty()) {
                    byLock.computeIfAbsent(l.get().id(), k -> new ArrayList<>()).add(t);
                    locks.putIfAbsent(l.get().id(), l.get());
                }
            }
            List<String> idle = p.strings("idle_holder_methods");
            Map.Entry<String, List<JvmThread>> worst = null;
            Optional<JvmThread> holder = Optional.empty();
            for (Map.Entry<String, List<JvmThread>> e : byLock.entrySet()) {
                if (e.getValue().size() < p.integer("min") || (worst != null && e.getValue().size() <= worst.getValue().size())) {
                    continue;
                }
                Optional<JvmThread> h = holderOf(dump, e.getKey());
                if (h.isPresent() && h.get().topFrame().map(f -> idleIn(f, idle)).orElse(false)) {
                    continue;
                }
                worst = e;
                holder = h;
            }
            if (worst == null) {
                return Optional.empty();
            }
            String id = worst.getKey();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("waiters", worst.getValue().size());
            f.put("lock", lock(locks.get(id)));
            f.put("holder", holder.map(t -> "\"" + t.name() + "\"").orElse("a thread not in the dump (the holder list needs Thread.print -l for j.u.c. locks)"));
            f.put("holder_state", holder.map(t -> describe(t.state(), t.stateDetail())).orElse("unknown"));
            f.put("holder_stack", holder.map(t -> topFrames(t, 5)).orElse("not in the dump"));
            f.put("waiter_names", names(worst.getValue(), 5));
            return Optional.of(new Match(worst.getValue().size(), f));
        }

        private static Optional<JvmThread> holderOf(ThreadDump dump, String id) {
            return dump.threads().stream().filter(t ->
                    t.heldMonitors().stream().anyMatch(l -> l.id().equals(id))
                    || t.ownableSynchronizers().stream().anyMatch(l -> l.id().equals(id))).findFirst();
        }

        private static boolean idleIn(StackFrame top, List<String> methods) {
            String m = top.method();
            String simple = m.substring(m.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
            return methods.stream().anyMatch(x -> simple.contains(x.toLowerCase(java.util.Locale.ROOT)));
        }

        private static Optional<LockRef> waitedLock(JvmThread t) {
            if (t.state() == ThreadState.BLOCKED && t.waitingToLock().isPresent()) {
                return t.waitingToLock();
            }
            Optional<LockRef> parked = t.parkedOn();
            if (parked.isPresent() && isLockSync(parked.get().className())) {
                return parked;
            }
            return Optional.empty();
        }

        private static boolean isLockSync(String cls) {
            return cls.startsWith("java.util.concurrent.locks.ReentrantLock$")
                    || cls.startsWith("java.util.concurrent.locks.ReentrantReadWriteLock$")
                    || cls.startsWith("java.util.concurrent.locks.StampedLock");
        }
    }

    /**
     * Threads piling up: a family named like {@code pool-N-thread-1} with many different N (an executor or
     * client built per call), a family of one-thread-per-object names ({@code WatchService for /dir}), or a
     * family that grows between dumps. One pool with many workers ({@code http-nio-8080-exec-N}) is not a leak.
     */
    static final class ThreadPileUp implements Check {
        @Override public String name() { return "thread_pile_up"; }
        @Override public String description() {
            return "a thread family multiplies: built per call, one per object, or growing between dumps";
        }
        @Override public List<Param> params() {
            return List.of(
                    Param.optional("min_per_call", Param.Type.INT, 30L, "threads of one per-call family (pool-*-thread-1)"),
                    Param.optional("min_per_object", Param.Type.INT, 100L, "threads named one per object (WatchService for *)"),
                    Param.optional("min_growth", Param.Type.INT, 20L, "growth of one family between the first and last dump"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.THREAD_DUMP); }
        @Override public List<String> figures() {
            return ProfileFigures.plus(List.of("family", "count", "example", "how", "total_threads", "series"), ProfileFigures.STARTS);
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            ThreadDump last = s.lastThreadDump();
            List<ThreadFamilies.Family> families = ThreadFamilies.of(last.threads());
            String how = null;
            ThreadFamilies.Family found = null;
            String series = "";
            if (s.threadDumps().size() >= 2) {
                Map<String, Integer> first = new LinkedHashMap<>();
                ThreadFamilies.of(s.threadDumps().get(0).threads()).forEach(f -> first.put(f.pattern(), f.count()));
                for (ThreadFamilies.Family f : families) {
                    int before = first.getOrDefault(f.pattern(), 0);
                    // a pool growing under load is not a leak: only families shaped like one (per call, per
                    // object, or the default names of threads started by hand) count
                    boolean leakShaped = perCall(f.pattern()) || f.pattern().endsWith(" *") || f.pattern().equals("Thread-*");
                    if (leakShaped && f.count() - before >= p.integer("min_growth") && (found == null || f.count() > found.count())) {
                        found = f;
                        how = "grew from " + before + " to " + f.count() + " over " + s.threadDumps().size() + " dumps";
                        series = String.join(" -> ", s.threadDumps().stream().map(d -> String.valueOf(d.threads().size())).toList());
                    }
                }
            }
            if (found == null) {
                for (ThreadFamilies.Family f : families) {
                    if (perCall(f.pattern()) && f.count() >= p.integer("min_per_call")) {
                        found = f;
                        how = "one family per executor or client: the pool number varies while the worker number does not";
                        break;
                    }
                    if (f.pattern().endsWith(" *") && f.count() >= p.integer("min_per_object")) {
                        found = f;
                        how = "one thread per object";
                        break;
                    }
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("family", found.pattern());
            fig.put("count", found.count());
            fig.put("example", found.example());
            fig.put("how", how);
            fig.put("total_threads", last.threads().size());
            fig.put("series", series.isEmpty() ? String.valueOf(last.threads().size()) : series);
            fig.putAll(ProfileFigures.threadStarts(s, List.of(found.pattern())));
            return Optional.of(new Match(found.count(), fig));
        }

        /** {@code pool-*-thread-1}: a varying number before a fixed one. */
        static boolean perCall(String pattern) {
            int star = pattern.indexOf('*');
            if (star < 0) {
                return false;
            }
            for (int i = star + 1; i < pattern.length(); i++) {
                if (Character.isDigit(pattern.charAt(i))) {
                    return true;
                }
                if (pattern.charAt(i) == '*') {
                    return false;
                }
            }
            return false;
        }
    }

    /** Threads running a given method's frame (e.g. {@code java.util.TimerThread.mainLoop}), counted. */
    static final class ThreadsInFrame implements Check {
        @Override public String name() { return "threads_in_frame"; }
        @Override public String description() { return "at least `min` threads have a frame of one of `methods` on their stack"; }
        @Override public List<Param> params() {
            return List.of(Param.required("methods", Param.Type.STRINGS, "class.method names, e.g. java.util.TimerThread.mainLoop"),
                    Param.optional("min", Param.Type.INT, 10L, "how many threads"),
                    Param.optional("states", Param.Type.STRINGS, List.of(), "only threads in these states (empty: any)"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.THREAD_DUMP); }
        @Override public List<String> figures() {
            return ProfileFigures.plus(List.of("count", "names", "families", "frame"), ProfileFigures.STARTS);
        }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            Set<String> methods = Set.copyOf(p.strings("methods"));
            Set<String> states = Set.copyOf(p.strings("states"));
            List<JvmThread> hits = new ArrayList<>();
            String frame = "";
            for (JvmThread t : s.lastThreadDump().threads()) {
                if (!states.isEmpty() && !states.contains(t.state().name())) {
                    continue;
                }
                for (StackFrame f : t.frames()) {
                    if (methods.contains(f.method())) {
                        hits.add(t);
                        frame = f.method();
                        break;
                    }
                }
            }
            if (hits.size() < p.integer("min")) {
                return Optional.empty();
            }
            Map<String, Object> fig = new LinkedHashMap<>();
            fig.put("count", hits.size());
            fig.put("names", names(hits, 5));
            fig.put("families", String.join(", ", ThreadFamilies.of(hits).stream().limit(3)
                    .map(f -> f.pattern() + " x" + f.count()).toList()));
            fig.put("frame", frame);
            fig.putAll(ProfileFigures.threadStarts(s, ThreadFamilies.of(hits).stream().map(ThreadFamilies.Family::pattern).toList()));
            return Optional.of(new Match(hits.size(), fig));
        }
    }

    /**
     * What one dump already proves: several threads of one family in an untimed wait on the same kind of thing (a
     * socket read without {@code NioSocketImpl.timedRead}, a latch or future parked with {@code LockSupport.park},
     * not {@code parkNanos}). With several dumps, only threads in the same place in the first one count, however
     * close the dumps are: they did not move.
     */
    static final class ThreadsInUntimedWait implements Check {
        @Override public String name() { return "threads_in_untimed_wait"; }
        @Override public String description() {
            return "at least `min` threads of one family in one of `methods` with a frame of `untimed` and none of"
                    + " `unless` on their stack (with several dumps: in the same place in the first one too)";
        }
        @Override public List<Param> params() {
            return List.of(Param.required("methods", Param.Type.STRINGS, "class.method names, e.g. java.util.concurrent.CountDownLatch.await"),
                    Param.required("untimed", Param.Type.STRINGS, "frames that prove the wait has no timeout, e.g."
                            + " java.util.concurrent.locks.LockSupport.park or sun.nio.ch.NioSocketImpl.read"),
                    Param.optional("unless", Param.Type.STRINGS, List.of(), "methods that, on the stack, mean it is fine (e.g. a timed read)"),
                    Param.optional("unless_packages", Param.Type.STRINGS, List.of(),
                            "class name prefixes that, on the stack, mean it is fine (e.g. a server waiting for its client)"),
                    Param.optional("states", Param.Type.STRINGS, List.of(), "only threads in these states (empty: any)"),
                    Param.optional("ignore_threads", Param.Type.STRINGS, List.of(), "thread names left out (e.g. main awaiting shutdown)"),
                    Param.optional("min", Param.Type.INT, 2L, "threads of one family"));
        }
        @Override public Set<Requirement> requires() { return Set.of(Requirement.THREAD_DUMP); }
        @Override public List<String> figures() { return List.of("count", "names", "frame", "stack", "library", "family", "confirm"); }

        @Override
        public Optional<Match> evaluate(JvmSnapshot s, Params p) {
            // with several dumps, only threads that wait in the same place in the first one count: they did not move
            Map<SeriesChecks.Key, JvmThread> first = new java.util.HashMap<>();
            boolean series = s.threadDumps().size() > 1;
            if (series) {
                s.threadDumps().get(0).threads().forEach(t -> first.putIfAbsent(SeriesChecks.key(t), t));
            }
            Set<String> methods = Set.copyOf(p.strings("methods"));
            Set<String> untimed = Set.copyOf(p.strings("untimed"));
            Set<String> unless = Set.copyOf(p.strings("unless"));
            List<String> unlessPackages = p.strings("unless_packages");
            Set<String> states = Set.copyOf(p.strings("states"));
            Set<String> ignored = Set.copyOf(p.strings("ignore_threads"));
            Map<JvmThread, String> waiting = new LinkedHashMap<>();
            for (JvmThread t : s.lastThreadDump().threads()) {
                if (ignored.contains(t.name()) || !states.isEmpty() && !states.contains(t.state().name())) {
                    continue;
                }
                String hit = null;
                boolean proven = false;
                boolean excused = false;
                for (StackFrame f : t.frames()) {
                    if (hit == null && methods.contains(f.method())) {
                        hit = f.method();
                    }
                    proven |= untimed.contains(f.method());
                    excused |= unless.contains(f.method()) || SeriesChecks.startsWithAny(f.text(), unlessPackages);
                }
                JvmThread before = series ? first.get(SeriesChecks.key(t)) : null;
                if (hit != null && proven && !excused && (!series || before != null && SeriesChecks.sameTop(before, t, 3))) {
                    waiting.put(t, hit);
                }
            }
            // the largest family of the waiting threads (families come largest first)
            List<ThreadFamilies.Family> families = ThreadFamilies.of(new ArrayList<>(waiting.keySet()));
            if (families.isEmpty() || families.get(0).count() < p.integer("min")) {
                return Optional.empty();
            }
            ThreadFamilies.Family family = families.get(0);
            java.util.regex.Pattern like = java.util.regex.Pattern.compile(java.util.Arrays.stream(
                    family.pattern().split("\\*", -1)).map(java.util.regex.Pattern::quote)
                    .collect(java.util.stream.Collectors.joining(".*")));
            List<JvmThread> members = waiting.keySet().stream().filter(t -> like.matcher(t.name()).matches()).toList();
            if (members.size() < p.integer("min")) {
                return Optional.empty();
            }
            JvmThread example = members.get(0);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("count", members.size());
            f.put("names", names(members, 5));
            f.put("frame", waiting.get(example));
            f.put("stack", topFrames(example, 8));
            f.put("library", SeriesChecks.library(example));
            f.put("family", family.pattern().isEmpty() ? "(unnamed)" : family.pattern());
            f.put("confirm", series ? "they wait in the same place in the first and the last of " + s.threadDumps().size()
                    + " dumps: they do not move" : "judged from one dump: they wait with no timeout now; a second dump a"
                    + " few seconds later confirms they do not move (watch the pod, or collect two rounds)");
            return Optional.of(new Match(members.size() * (series ? 1.0 : 0.5), f));
        }
    }

    static String lock(LockRef l) {
        return (l.className().isEmpty() ? "a lock" : l.className()) + (l.id().isEmpty() ? "" : " <" + l.id() + ">");
    }

    static String topFrames(JvmThread t, int n) {
        if (t.frames().isEmpty()) {
            return "(no Java frames)";
        }
        return String.join(" <- ", t.frames().subList(0, Math.min(n, t.frames().size())).stream().map(StackFrame::text).toList());
    }

    static String describe(ThreadState state, String detail) {
        return state.name() + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    static String names(List<JvmThread> threads, int n) {
        List<String> names = threads.stream().limit(n).map(t -> "\"" + t.name() + "\"").toList();
        return String.join(", ", names) + (threads.size() > n ? " and " + (threads.size() - n) + " more" : "");
    }
}
