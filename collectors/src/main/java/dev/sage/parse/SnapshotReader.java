package dev.sage.parse;

import dev.sage.profile.Profile;
import dev.sage.profile.ProfileReader;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.CgroupMemory;
import dev.sage.snapshot.FinalizerQueue;
import dev.sage.snapshot.GarbageCollector;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.JvmIdentity;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.PerfCounters;
import dev.sage.snapshot.ProcessStatus;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.VmFlags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one {@link JvmSnapshot} out of captured texts, in the order they are added: several thread dumps
 * or histograms become a time series, and for the other parts the last one wins. Each text may hold several
 * captures; each is detected from its content. Nothing read is ever lost to a later failure: a part that
 * cannot be read becomes a {@link Problem} naming the source, the line and the reason.
 *
 * <p>Not thread-safe; pure apart from its own state (no I/O).
 */
public final class SnapshotReader {
    /** What was found in one source. */
    public record Read(String source, List<Kind> kinds) {
        public Read {
            kinds = List.copyOf(kinds);
        }
    }

    /**
     * A capture Sage collected itself, as the target printed it, kept for attaching to a reply. Only answers to
     * Sage's own commands are kept: thread dumps, histograms, heap and native memory, flags, version, process status.
     */
    public record Raw(String source, Kind kind, String text) {}

    private static final Set<String> CGROUP_VALUE_FILES = Set.of("memory.max", "memory.current",
            "memory.limit_in_bytes", "memory.usage_in_bytes");

    private final String target;
    private final Map<String, String> cgroupFiles = new LinkedHashMap<>();
    private final List<ThreadDump> threadDumps = new ArrayList<>();
    private final List<ClassHistogram> histograms = new ArrayList<>();
    private final List<PerfCounters> perfCounters = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();
    private final List<Raw> raw = new ArrayList<>();
    private final Set<Long> pids = new LinkedHashSet<>();
    private JvmIdentity identity;
    private boolean identityFromVersion;
    private Double uptime;
    private HeapInfo heap;
    private NativeMemory nativeMemory;
    private VmFlags flags;
    private ProcessStatus process;
    private CgroupMemory cgroup;
    private FinalizerQueue finalizerQueue;
    private Profile profile;

    public SnapshotReader(String target) {
        this.target = target;
    }

    /**
     * Adds captured bytes in any supported encoding (see {@link TextDecoder}), or a flight recording (read as a profile);
     * other binary data is refused as a problem.
     */
    public Read add(String source, byte[] bytes) {
        if (ProfileReader.isRecording(bytes)) {
            try {
                return addProfile(source, ProfileReader.read(bytes, source));
            } catch (CaptureFormatException e) {
                problems.add(new Problem(source, 0, e.reason()));
            } catch (java.io.IOException e) {
                problems.add(new Problem(source, 0, "the recording could not be kept on this machine to be read: "
                        + e.getMessage()));
            }
            Read read = new Read(source, List.of());
            reads.add(read);
            return read;
        }
        String text = TextDecoder.decode(bytes);
        String binary = TextDecoder.binaryReason(text);
        if (binary != null) {
            // refused before any parser sees it: binary data read as text gives nonsense, not an error
            problems.add(new Problem(source, 0, binary));
            Read read = new Read(source, List.of());
            reads.add(read);
            return read;
        }
        return add(source, text);
    }

    /** Adds a text holding one or more captures, detecting each. */
    public Read add(String source, String text) {
        List<Section> sections = ContentDetector.sections(text);
        List<Kind> kinds = new ArrayList<>();
        if (sections.isEmpty()) {
            String file = source.substring(Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\')) + 1);
            if (CGROUP_VALUE_FILES.contains(file) && text.strip().matches("\\d+|max")) {
                // a one-value cgroup file says nothing of itself: only its name tells what the number is
                cgroupFiles.put(file, text.strip());
                cgroup = CgroupMemoryParser.fromFiles(cgroupFiles);
                kinds.add(Kind.CGROUP_MEMORY);
            } else {
                problems.add(unknown(source, text));
            }
        }
        for (Section s : sections) {
            kinds.add(s.kind());
            addSection(source, text, s);
        }
        Read read = new Read(source, kinds);
        reads.add(read);
        return read;
    }

    /** Adds a text known to be of {@code kind} (the answer to a command Sage ran itself). */
    public Read add(String source, Kind kind, String text) {
        // the counters hold system properties and the command line: only the judged counters may be attached
        raw.add(new Raw(source, kind, kind == Kind.PERF_COUNTERS ? PerfCounterParser.publicPart(text) : text));
        addSection(source, text, new Section(kind, 0, text.length(), 1, -1));
        Read read = new Read(source, List.of(kind));
        reads.add(read);
        return read;
    }

    /** Adds what a flight recording shows; a later one replaces it (one window is judged). */
    public Read addProfile(String source, Profile recording) {
        profile = recording;
        Read read = new Read(source, List.of(Kind.FLIGHT_RECORDING));
        reads.add(read);
        return read;
    }

    /** The thread dumps read so far. */
    public int threadDumpCount() {
        return threadDumps.size();
    }

    /**
     * Adds a {@code Thread.dump_to_file -format=json}. When {@code sameRoundAsLast}, it was taken in the round of the
     * last thread dump, and its threads join that dump (see {@link ThreadDumpMerge}); otherwise (that round's
     * {@code Thread.print} failed) it is the round's dump.
     */
    public Read addThreadsJson(String source, String json, boolean sameRoundAsLast) {
        raw.add(new Raw(source, Kind.THREAD_DUMP_JSON, json));
        Read read = new Read(source, List.of(Kind.THREAD_DUMP_JSON));
        reads.add(read);
        ThreadDumpJsonParser.Result r;
        try {
            r = ThreadDumpJsonParser.parse(json);
        } catch (CaptureFormatException e) {
            problems.add(new Problem(source, e.lineNumber(), "could not read this " + Kind.THREAD_DUMP_JSON.description()
                    + ": " + e.reason()));
            return read;
        }
        if (threadDumps.isEmpty() || !sameRoundAsLast) {
            threadDumps.add(r.dump());
        } else {
            int last = threadDumps.size() - 1;
            threadDumps.set(last, ThreadDumpMerge.merge(threadDumps.get(last), r.dump()));
        }
        return read;
    }

    /** Records a problem met outside parsing (a command that failed, a file that could not be read). */
    public void problem(Problem problem) {
        problems.add(problem);
    }

    /** The answers to Sage's own commands, in the order added ({@link #add(String, Kind, String)}). */
    public List<Raw> raw() {
        return List.copyOf(raw);
    }

    public List<Read> reads() {
        return List.copyOf(reads);
    }

    public JvmSnapshot snapshot() {
        List<Problem> all = new ArrayList<>(problems);
        if (pids.size() > 1) {
            all.add(new Problem("", 0, "the captures come from different processes (pids " + pids
                    + "): a time series of different JVMs is not meaningful"));
        }
        HeapInfo h = heap;
        if (h != null && h.collector() == GarbageCollector.ZGC
                && ((identity != null && identity.featureVersion() >= 24)
                || (flags != null && flags.gc() == GarbageCollector.ZGC_GENERATIONAL))) {
            h = new HeapInfo(GarbageCollector.ZGC_GENERATIONAL, h.reservedBytes(), h.committedBytes(), h.usedBytes(),
                    h.spaces(), h.metaspace(), h.classSpace());
        }
        Double up = uptime;
        if (up == null && !threadDumps.isEmpty()) {
            double max = -1;
            for (JvmThread t : threadDumps.get(threadDumps.size() - 1).threads()) {
                if (t.elapsedSeconds() != null && t.elapsedSeconds() > max) {
                    max = t.elapsedSeconds();
                }
            }
            if (max >= 0) {
                up = max;
            }
        }
        long pid = pids.size() == 1 ? pids.iterator().next() : (process != null ? process.pid() : -1);
        return new JvmSnapshot(target, pid, identity, up, threadDumps, histograms, perfCounters, h, nativeMemory, flags,
                process, cgroup, finalizerQueue, profile, all);
    }

    private void addSection(String source, String text, Section s) {
        if (s.pid() >= 0 && s.kind().diagnostic()) {
            pids.add(s.pid());
        }
        try {
            parseSection(source, text, s);
        } catch (CaptureFormatException e) {
            int line = e.lineNumber() > 0 ? s.line() + e.lineNumber() - 1 : s.line();
            problems.add(new Problem(source, line, "could not read this " + s.kind().description() + ": "
                    + e.reason() + (e.line().isBlank() ? "" : ": \"" + shorten(e.line().strip()) + "\"")));
        }
    }

    private void parseSection(String source, String text, Section s) {
        String body = s.kind() == Kind.THREAD_DUMP ? null : text.substring(s.start(), s.end());
        switch (s.kind()) {
            case THREAD_DUMP -> {
                ThreadDump dump = ThreadDumpParser.parse(text, s.start(), s.end());
                threadDumps.add(dump);
                if (dump.truncated()) {
                    problems.add(new Problem(source, s.line(), "the thread dump is cut off: kept the "
                            + dump.threads().size() + " threads before the cut"));
                }
                if (dump.threads().isEmpty() && !dump.truncated()) {
                    problems.add(new Problem(source, s.line(), "the thread dump lists no threads"));
                }
                if (!identityFromVersion && identity == null && !dump.vmBanner().isEmpty()) {
                    identity = VmVersionParser.fromBanner(dump.vmBanner());
                }
            }
            case THREAD_DUMP_JSON -> {
                ThreadDumpJsonParser.Result r = ThreadDumpJsonParser.parse(body);
                threadDumps.add(r.dump());
                if (r.processId() >= 0) {
                    pids.add(r.processId());
                }
                if (!identityFromVersion && identity == null && !r.runtimeVersion().isEmpty()) {
                    identity = new JvmIdentity("", r.runtimeVersion(), JvmIdentity.featureOf(r.runtimeVersion()));
                }
            }
            case CLASS_HISTOGRAM -> {
                ClassHistogram histogram = ClassHistogramParser.parse(body);
                histograms.add(histogram);
                if (!histogram.hasTotalLine()) {
                    problems.add(new Problem(source, s.line(), "the class histogram has no Total line: it may be cut off"
                            + " (kept " + histogram.rows().size() + " rows)"));
                }
            }
            case HEAP_INFO -> heap = HeapInfoParser.parse(body);
            case NATIVE_MEMORY -> nativeMemory = NativeMemoryParser.parse(body);
            case VM_VERSION -> {
                identity = VmVersionParser.parse(body);
                identityFromVersion = true;
            }
            case VM_FLAGS -> flags = VmFlagsParser.parse(body);
            case VM_UPTIME -> uptime = UptimeParser.parse(body);
            case PERF_COUNTERS -> perfCounters.add(PerfCounterParser.parse(body));
            case FINALIZER_INFO -> finalizerQueue = FinalizerInfoParser.parse(body);
            case PROCESS_STATUS -> process = ProcessStatusParser.parse(body);
            case CGROUP_MEMORY -> {
                cgroupFiles.putAll(CgroupMemoryParser.files(body));
                cgroup = CgroupMemoryParser.fromFiles(cgroupFiles);
            }
            case JCMD_ERROR -> problems.add(new Problem(source, s.line(), JcmdErrors.explain(body)));
            case JVM_LIST -> problems.add(new Problem(source, s.line(),
                    "is jcmd's list of running JVMs, not a diagnostic capture"));
            case JCMD_HELP -> problems.add(new Problem(source, s.line(),
                    "is jcmd's list of commands, not a diagnostic capture"));
            case ACTION -> {
                // kept as raw for whoever asked for it; nothing in it to judge
            }
            case JCMD_OTHER -> problems.add(new Problem(source, s.line(), "is a jcmd answer with nothing to diagnose: \""
                    + shorten(firstContentLine(body)) + "\""));
            case OPENJ9_JAVACORE -> problems.add(new Problem(source, s.line(), "is an IBM J9 / Eclipse OpenJ9 javacore:"
                    + " Sage does not read this format yet (it reads HotSpot dumps: jcmd, jstack, kill -3)"));
            case JROCKIT_THREAD_DUMP -> problems.add(new Problem(source, s.line(), "is a BEA JRockit thread dump:"
                    + " Sage does not read this format yet (it reads HotSpot dumps: jcmd, jstack, kill -3)"));
        }
    }

    private static Problem unknown(String source, String text) {
        List<String> lines = Lines.of(text);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                return new Problem(source, i + 1, "not a JVM capture Sage can read (expected a thread dump, class"
                        + " histogram, GC.heap_info, VM.native_memory, VM.version, VM.flags or /proc status): \""
                        + shorten(lines.get(i).strip()) + "\"");
            }
        }
        return new Problem(source, 0, "is empty");
    }

    private static String firstContentLine(String body) {
        for (String l : Lines.of(body)) {
            String s = l.strip();
            if (!s.isEmpty() && !Lines.isPidLine(s)) {
                return s;
            }
        }
        return "";
    }

    private static String shorten(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
