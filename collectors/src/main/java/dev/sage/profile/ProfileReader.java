package dev.sage.profile;

import dev.sage.parse.CaptureFormatException;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a flight recording with the JDK's own parser ({@code jdk.jfr.consumer}) into a {@link Profile}, one event at a
 * time: the events are counted into rankings as they are read, never held. The allocation and CPU samples of the
 * recorder's own work (a {@code jdk.jfr} frame on the stack) are left out: they are the cost of looking. Pure apart
 * from reading the file; thread-safe (no state).
 */
public final class ProfileReader {
    /**
     * The events whose times tell the recording's window: samples, and the CPU load the JDK's settings record every
     * second (an idle JVM has few samples). Others may be older: the JVM's start, its settings.
     */
    private static final java.util.Set<String> WINDOW = java.util.Set.of("jdk.ExecutionSample", "jdk.CPULoad",
            "jdk.ThreadCPULoad", "jdk.ThreadStart", "jdk.GarbageCollection");

    /** How many sites each ranking keeps. */
    static final int TOP = 10;
    /** How many frames a site's stack keeps. */
    static final int STACK = 12;
    /** How many classes the allocations by class keep: enough to find the ones a finding names. */
    static final int CLASSES = 50;
    /** How many allocation sites each of the top classes keeps. */
    static final int CLASS_SITES = 3;
    /** How many thread-starting sites a profile keeps: enough that a leaking family's is among them. */
    static final int STARTER_SITES = 100;
    /** How many example names a site keeps. */
    static final int EXAMPLES = 3;
    /** A flame graph's nodes lighter than this share of the whole are left out: too thin to see. */
    static final double FLAME_SHARE = 0.002;

    private ProfileReader() {
    }

    /**
     * The profile in the recording at {@code file}.
     *
     * @throws CaptureFormatException when it is not a flight recording, or is cut short
     * @throws IOException when it cannot be read
     */
    public static Profile read(Path file) throws IOException, CaptureFormatException {
        return read(file, file.getFileName().toString());
    }

    /**
     * The profile in a recording's bytes ({@code jfr}), called {@code name} in messages. The JDK's parser reads files
     * only: the bytes go through a temporary file, removed before this returns.
     *
     * @throws CaptureFormatException when they are not a flight recording, or are cut short
     * @throws IOException when the temporary file cannot be written
     */
    public static Profile read(byte[] jfr, String name) throws IOException, CaptureFormatException {
        Path file = Files.createTempFile("sage-read-", ".jfr");
        try {
            Files.write(file, jfr);
            return read(file, name);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** True when {@code bytes} begin as a JDK Flight Recorder file does ({@code FLR} and a zero byte). */
    public static boolean isRecording(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'F' && bytes[1] == 'L' && bytes[2] == 'R' && bytes[3] == 0;
    }

    private static Profile read(Path file, String name) throws IOException, CaptureFormatException {
        byte[] magic;
        try (var in = Files.newInputStream(file)) {
            magic = in.readNBytes(4);
        }
        if (!isRecording(magic)) {
            throw new CaptureFormatException(0, "", name + " is not a JDK Flight Recorder file (it does not begin"
                    + " with FLR)");
        }
        Names names = new Names();
        Flame.Builder allocationFlame = new Flame.Builder();
        Flame.Builder tlabFlame = new Flame.Builder();
        Ranking tlabAllocations = new Ranking(names);
        Map<String, Ranking> byClass = new HashMap<>();
        Map<String, Ranking> tlabByClass = new HashMap<>();
        long tlabAllocated = 0;
        Flame.Builder cpuFlame = new Flame.Builder();
        Ranking allocations = new Ranking(names);
        Ranking cpu = new Ranking(names);
        Ranking contention = new Ranking(names);
        Ranking starters = new Ranking(names);
        long allocated = 0;
        long samples = 0;
        long threads = 0;
        long collections = 0;
        Duration pauses = Duration.ZERO;
        Duration longest = Duration.ZERO;
        long heapFirst = -1;
        long heapLast = -1;
        Instant heapFirstAt = null;
        Instant heapLastAt = null;
        Instant first = null;
        Instant last = null;
        java.util.Set<String> privateSeen = new java.util.LinkedHashSet<>();
        List<Profile.StartedThread> started = new ArrayList<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                String type = e.getEventType().getName();
                if (Profile.PRIVATE.contains(type)) {
                    privateSeen.add(type);
                }
                if (WINDOW.contains(type) || type.startsWith("jdk.ObjectAllocation")) {
                    // the sampled and periodic events span the window; others may be older (the JVM's start, settings)
                    Instant at = e.getStartTime();
                    first = first == null || at.isBefore(first) ? at : first;
                    last = last == null || at.isAfter(last) ? at : last;
                }
                RecordedStackTrace trace = e.getStackTrace();
                // the frames are built once per event: every ranking and flame graph reads them
                List<RecordedFrame> frames = trace == null ? List.of() : trace.getFrames();
                if ((type.startsWith("jdk.ObjectAllocation") || type.equals("jdk.ExecutionSample")) && recorders(frames)) {
                    continue; // the recorder's own start-up and writing: the cost of looking, not the application's
                }
                switch (type) {
                    case "jdk.ObjectAllocationSample" -> {
                        long weight = e.getLong("weight");
                        allocated += weight;
                        String site = allocations.add(frames, true, weight);
                        byClass.computeIfAbsent(className(e, "objectClass"), k -> new Ranking(names)).add(site, frames, weight);
                        allocationFlame.add(names.outermostFirst(frames), weight);
                    }
                    case "jdk.ObjectAllocationInNewTLAB", "jdk.ObjectAllocationOutsideTLAB" -> {
                        // JDK 11 to 15 have no allocation samples: these, weighed by what they stand for, instead
                        long weight = type.endsWith("NewTLAB") ? e.getLong("tlabSize") : e.getLong("allocationSize");
                        tlabAllocated += weight;
                        String site = tlabAllocations.add(frames, true, weight);
                        tlabByClass.computeIfAbsent(className(e, "objectClass"), k -> new Ranking(names)).add(site, frames, weight);
                        tlabFlame.add(names.outermostFirst(frames), weight);
                    }
                    case "jdk.ExecutionSample" -> {
                        samples++;
                        cpu.add(frames, false, 1);
                        cpuFlame.add(names.outermostFirst(frames), 1);
                    }
                    case "jdk.JavaMonitorEnter" -> contention.add("monitor " + className(e, "monitorClass"),
                            frames, e.getDuration().toNanos());
                    case "jdk.ThreadPark" -> contention.add("park on " + className(e, "parkedClass"), frames,
                            e.getDuration().toNanos());
                    case "jdk.ThreadStart" -> {
                        threads++;
                        jdk.jfr.consumer.RecordedThread thread = e.getThread("thread");
                        String threadName = thread == null ? null : thread.getJavaName();
                        String site = starters.add(frames, true, 1, threadName);
                        if (threadName != null && started.size() < Profile.STARTED_KEPT) {
                            started.add(new Profile.StartedThread(threadName, site));
                        }
                    }
                    case "jdk.GarbageCollection" -> {
                        collections++;
                        Duration sum = e.getDuration("sumOfPauses");
                        pauses = pauses.plus(sum);
                        Duration one = e.getDuration("longestPause");
                        longest = one.compareTo(longest) > 0 ? one : longest;
                    }
                    case "jdk.GCHeapSummary" -> {
                        if ("After GC".equals(e.getString("when"))) {
                            long used = e.getLong("heapUsed");
                            Instant when = e.getStartTime();
                            if (heapFirstAt == null || when.isBefore(heapFirstAt)) {
                                heapFirstAt = when;
                                heapFirst = used;
                            }
                            if (heapLastAt == null || !when.isBefore(heapLastAt)) {
                                heapLastAt = when;
                                heapLast = used;
                            }
                        }
                    }
                    default -> {
                        // not ranked
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CaptureFormatException(0, "", name + " could not be read as a flight recording ("
                    + e.getMessage() + "); a file cut short by the output cap ends early");
        }
        boolean samplesSeen = allocated > 0;
        return new Profile(first == null ? Instant.EPOCH : first, first == null ? Duration.ZERO : Duration.between(first, last),
                samplesSeen ? allocated : tlabAllocated, (samplesSeen ? allocations : tlabAllocations).top(), samples,
                cpu.top(), contention.top(), new Profile.Gc(collections, pauses, longest, heapFirst, heapLast), threads,
                starters.top(STARTER_SITES), classes(samplesSeen ? byClass : tlabByClass), (samplesSeen ? allocationFlame : tlabFlame).build(FLAME_SHARE), cpuFlame.build(FLAME_SHARE),
                List.copyOf(privateSeen), started);
    }

    /** The classes allocated most, each with its top few sites. */
    private static List<Profile.ClassAllocations> classes(Map<String, Ranking> byClass) {
        return byClass.entrySet().stream()
                .map(e -> new Profile.ClassAllocations(e.getKey(), e.getValue().total(), e.getValue().top(CLASS_SITES)))
                .sorted(Comparator.comparingLong((Profile.ClassAllocations c) -> -c.bytes()).thenComparing(c -> c.className()))
                .limit(CLASSES)
                .toList();
    }

    /** Whether the stack is the flight recorder's own work (a frame of {@code jdk.jfr}). */
    private static boolean recorders(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            RecordedMethod m = f.getMethod();
            if (m != null && m.getType().getName().startsWith("jdk.jfr.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Frame names, each method's worked out once per read: a recording repeats the same few thousand methods in
     * millions of frames. Not thread-safe: one per read.
     */
    private static final class Names {
        private static final int KEPT = 200_000;
        private final Map<RecordedMethod, String> byMethod = new java.util.IdentityHashMap<>();

        String of(RecordedFrame f) {
            RecordedMethod m = f.getMethod();
            if (m == null) {
                return "?";
            }
            String name = byMethod.get(m);
            if (name == null) {
                name = name(f);
                if (byMethod.size() == KEPT) {
                    byMethod.clear(); // the parser did not share its method objects: do not grow without bound
                }
                byMethod.put(m, name);
            }
            return name;
        }

        /** The stack's frames, outermost first (how a flame graph stacks them). */
        List<String> outermostFirst(List<RecordedFrame> frames) {
            List<String> out = new ArrayList<>(frames.size());
            for (int i = frames.size() - 1; i >= 0; i--) {
                out.add(of(frames.get(i)));
            }
            return out;
        }
    }

    private static String className(RecordedEvent e, String field) {
        jdk.jfr.consumer.RecordedClass c = e.getValue(field);
        return c == null ? "?" : c.getName();
    }

    /**
     * The first frame of {@code stack} that is the application's (not the JDK's): who allocated, or who started a
     * thread. The top frame when every frame is the JDK's.
     */
    static int applicationFrame(List<RecordedFrame> frames) {
        for (int i = 0; i < frames.size(); i++) {
            RecordedMethod m = frames.get(i).getMethod();
            if (m != null && !jdk(m.getType().getName())) {
                return i;
            }
        }
        return 0;
    }

    /** Whether a type (or a frame, {@code type.method}) is the JDK's own rather than the application's. */
    public static boolean jdk(String type) {
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                || type.startsWith("com.sun.");
    }

    /** A lambda's hidden class ({@code Orders$$Lambda$14+0x0000000800c1b000.1234567}): its address and id vary by run. */
    private static final java.util.regex.Pattern HIDDEN = java.util.regex.Pattern.compile("\\$\\$Lambda[$0-9a-fx+]*(\\.\\d+)?");

    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        return m == null ? "?" : HIDDEN.matcher(m.getType().getName()).replaceAll(java.util.regex.Matcher.quoteReplacement("$$Lambda"))
                + "." + m.getName();
    }

    /** Weights by site, with one stack kept per site. Not thread-safe. */
    private static final class Ranking {
        private final Names names;
        private final Map<String, long[]> weights = new HashMap<>();
        private final Map<String, List<String>> stacks = new HashMap<>();
        private final Map<String, List<String>> examples = new HashMap<>();
        private long total;

        Ranking(Names names) {
            this.names = names;
        }

        /**
         * Adds {@code weight} at the stack's top frame, or its top application frame when {@code application}; returns
         * the site.
         */
        String add(List<RecordedFrame> frames, boolean application, long weight) {
            return add(frames, application, weight, null);
        }

        /** As {@link #add(List, boolean, long)}, keeping {@code example} (when not null) among the site's names. */
        String add(List<RecordedFrame> frames, boolean application, long weight, String example) {
            String site = frames.isEmpty() ? "(no stack)" : names.of(frames.get(application ? applicationFrame(frames) : 0));
            add(site, frames, weight);
            if (example != null) {
                List<String> names = examples.computeIfAbsent(site, k -> new ArrayList<>(EXAMPLES));
                if (names.size() < EXAMPLES && !names.contains(example)) {
                    names.add(example);
                }
            }
            return site;
        }

        /** Adds {@code weight} at {@code site}, keeping {@code frames} as its stack when it is the first seen there. */
        void add(String site, List<RecordedFrame> frames, long weight) {
            long[] w = weights.computeIfAbsent(site, k -> new long[2]);
            w[0] += weight;
            w[1]++;
            total += weight;
            if (!frames.isEmpty() && !stacks.containsKey(site)) {
                List<String> stack = new ArrayList<>();
                for (RecordedFrame f : frames) {
                    if (stack.size() == STACK) {
                        break;
                    }
                    stack.add(names.of(f) + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : ""));
                }
                stacks.put(site, stack);
            }
        }

        long total() {
            return total;
        }

        List<Profile.Site> top() {
            return top(TOP);
        }

        List<Profile.Site> top(int n) {
            return weights.entrySet().stream()
                    .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0])
                            .thenComparing(Map.Entry::getKey))
                    .limit(n)
                    .map(e -> new Profile.Site(e.getKey(), e.getValue()[0], e.getValue()[1],
                            stacks.getOrDefault(e.getKey(), List.of()), examples.getOrDefault(e.getKey(), List.of())))
                    .toList();
        }
    }
}
