package dev.sage.parse;

import dev.sage.snapshot.CgroupMemory;
import dev.sage.snapshot.GarbageCollector;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.JvmIdentity;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ProcessStatus;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;
import dev.sage.snapshot.VmFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The parsers on captures taken from real JVMs for this project (JDK 17.0.15 and 25.0.3, see captures/README.md). */
class CapturesTest {
    private static final long K = 1024;
    private static final long M = 1024 * 1024;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        // jdk, file, collector, used, committed, reserved
        "jdk17, heap-info-g1.txt,                G1,               8188,  131072, 131072",
        "jdk25, heap-info-g1.txt,                G1,               11242, 131072, 131072",
        "jdk17, heap-info-parallel.txt,          PARALLEL,         13315, 125952, 131072",
        "jdk25, heap-info-parallel.txt,          PARALLEL,         15811, 125952, 131072",
        "jdk17, heap-info-serial.txt,            SERIAL,           13281, 126720, 131072",
        "jdk25, heap-info-serial.txt,            SERIAL,           15908, 126720, 131072",
        "jdk17, heap-info-shenandoah.txt,        SHENANDOAH,       9472,  131072, 131072",
        "jdk25, heap-info-shenandoah.txt,        SHENANDOAH,       11008, 131072, 131072",
        "jdk17, heap-info-zgc.txt,               ZGC,              14336, 131072, 131072",
        "jdk25, heap-info-zgc-generational.txt,  ZGC_GENERATIONAL, 18432, 131072, 131072",
    })
    void heapInfoOfEveryCollectorOnBothJdks(String jdk, String file, GarbageCollector gc, long usedK, long committedK,
                                            long reservedK) {
        String text = Corpus.capture(jdk + "/" + file);
        assertThat(ContentDetector.detect(text)).isEqualTo(Kind.HEAP_INFO);
        HeapInfo heap = HeapInfoParser.parse(text);
        assertThat(heap.collector()).isEqualTo(gc);
        assertThat(heap.usedBytes()).isEqualTo(usedK * K);
        assertThat(heap.committedBytes()).isEqualTo(committedK * K);
        assertThat(heap.reservedBytes()).isEqualTo(reservedK * K);
        if (jdk.equals("jdk17")) {
            assertThat(heap.metaspace()).as("JDK 17 prints Metaspace").isNotNull();
            assertThat(heap.metaspace().usedBytes()).isPositive();
            assertThat(heap.classSpace().reservedBytes()).isEqualTo(1_048_576 * K);
        } else {
            assertThat(heap.metaspace()).as("JDK 25 prints no Metaspace line").isNull();
        }
    }

    @Test
    void g1RegionLineAndJdk17Metaspace() {
        HeapInfo heap = HeapInfoParser.parse(Corpus.capture("jdk17/heap-info-g1.txt"));
        assertThat(heap.spaces()).extracting(HeapInfo.Space::name).containsExactly("region size");
        assertThat(heap.spaces().get(0).capacityBytes()).isEqualTo(M);
        assertThat(heap.spaces().get(0).detail()).isEqualTo("3 young (3072K), 1 survivors (1024K)");
        assertThat(heap.metaspace().usedBytes()).isEqualTo(370 * K);
        assertThat(heap.metaspace().capacityBytes()).isEqualTo(512 * K);
        assertThat(heap.classSpace().usedBytes()).isEqualTo(33 * K);
    }

    @Test
    void parallelGenerationsAndTheirSpaces() {
        HeapInfo heap = HeapInfoParser.parse(Corpus.capture("jdk25/heap-info-parallel.txt"));
        assertThat(heap.spaces()).extracting(HeapInfo.Space::name)
                .containsExactly("PSYoungGen", "eden space", "from space", "to space", "ParOldGen", "object space");
        HeapInfo.Space eden = heap.spaces().get(1);
        assertThat(eden.capacityBytes()).isEqualTo(33280 * K);
        assertThat(eden.detail()).isEqualTo("44% used");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk17", "jdk25"})
    void contentionTargetThreadsStatesAndLocks(String jdk) {
        ThreadDump dump = ThreadDumpParser.parse(Corpus.capture(jdk + "/thread-print-l.txt"));
        Map<String, JvmThread> byName = new java.util.HashMap<>();
        dump.threads().forEach(t -> byName.put(t.name(), t));

        JvmThread holder = byName.get("monitor-holder");
        LockRef monitor = holder.heldMonitors().get(0);
        for (String blocked : new String[] {"blocked-1", "blocked-2"}) {
            JvmThread t = byName.get(blocked);
            assertThat(t.state()).isEqualTo(ThreadState.BLOCKED);
            assertThat(t.stateDetail()).isEqualTo("on object monitor");
            assertThat(t.waitingToLock()).contains(monitor);
        }
        assertThat(monitor.className()).isEqualTo("java.lang.Object");

        JvmThread lockHolder = byName.get("lock-holder");
        assertThat(lockHolder.ownableSynchronizers()).hasSize(1);
        LockRef sync = lockHolder.ownableSynchronizers().get(0);
        assertThat(sync.className()).isEqualTo("java.util.concurrent.locks.ReentrantLock$NonfairSync");
        JvmThread waiter = byName.get("lock-waiter");
        assertThat(waiter.state()).isEqualTo(ThreadState.WAITING);
        assertThat(waiter.stateDetail()).isEqualTo("parking");
        assertThat(waiter.parkedOn()).contains(sync);

        JvmThread sleeper = byName.get("sleeper");
        assertThat(sleeper.state()).isEqualTo(ThreadState.TIMED_WAITING);
        assertThat(sleeper.stateDetail()).isEqualTo("sleeping");
        assertThat(sleeper.daemon()).isTrue();
        assertThat(sleeper.cpuMillis()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(sleeper.elapsedSeconds()).isNotNull().isPositive();
        assertThat(sleeper.nid()).isPositive();
        assertThat(sleeper.number()).isPositive();
        assertThat(sleeper.priority()).isEqualTo(5);

        assertThat(dump.threads()).filteredOn(t -> t.name().matches("worker-\\d")).hasSize(3)
                .allSatisfy(t -> assertThat(t.parkedOn()).isPresent());
        assertThat(byName.get("main").frames().get(0).text()).startsWith("java.lang.Thread.sleep");
        assertThat(dump.truncated()).isFalse();
        assertThat(dump.deadlocks()).isEmpty();
    }

    @Test
    void nidIsHexOnJdk17AndDecimalOnJdk25AndBothMatchTheOsThread() {
        JvmThread j17 = ThreadDumpParser.parse(Corpus.capture("jdk17/thread-print.txt")).threads().get(0);
        JvmThread j25 = ThreadDumpParser.parse(Corpus.capture("jdk25/thread-print.txt")).threads().get(0);
        assertThat(j17.name()).isEqualTo("main");
        assertThat(j17.nid()).isEqualTo(Long.parseLong(Corpus.capture("jdk17/thread-print.txt")
                .replaceAll("(?s).*?\"main\".*? nid=0x([0-9a-f]+).*", "$1"), 16));
        assertThat(j25.nid()).isEqualTo(Long.parseLong(Corpus.capture("jdk25/thread-print.txt")
                .replaceAll("(?s).*?\"main\".*? nid=(\\d+).*", "$1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk17", "jdk25"})
    void deadlockOfTwoThreadsOnMonitors(String jdk) {
        ThreadDump dump = ThreadDumpParser.parse(Corpus.capture(jdk + "/thread-print-l-deadlock.txt"));
        assertThat(dump.deadlocks()).hasSize(1);
        assertThat(dump.deadlocks().get(0).threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B");
        assertThat(dump.deadlocks().get(0).links()).allSatisfy(l -> {
            assertThat(l.lock().className()).isEqualTo("java.lang.Object");
            assertThat(l.lock().id()).startsWith("0x");
        });
        assertThat(dump.truncated()).isFalse();
    }

    @Test
    void killThreeTwiceIntoALogGivesTwoDumpsAndTheirHeapSections() {
        String log = Corpus.capture("jdk17/kill3-two-dumps-in-log.txt");
        assertThat(ContentDetector.sections(log)).extracting(Section::kind)
                .containsExactly(Kind.THREAD_DUMP, Kind.HEAP_INFO, Kind.THREAD_DUMP, Kind.HEAP_INFO);
        SnapshotReader reader = new SnapshotReader("log");
        reader.add("log", log);
        JvmSnapshot s = reader.snapshot();
        assertThat(s.threadDumps()).hasSize(2);
        assertThat(s.threadDumps()).allSatisfy(d -> {
            assertThat(d.timestamp()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(d.threads()).extracting(JvmThread::name).contains("main", "sleeper", "monitor-holder")
                    .doesNotContain("2026-12-02 03:30:05 INFO app - request served id=5");
        });
        assertThat(s.threadDumps().get(0).timestamp()).isLessThan(s.threadDumps().get(1).timestamp());
        assertThat(s.heap().collector()).isEqualTo(GarbageCollector.G1);
        assertThat(s.problems()).isEmpty();
    }

    @Test
    void threadDumpToFileTextAndJsonListVirtualThreads() {
        ThreadDump text = ThreadDumpParser.parse(Corpus.capture("jdk25/thread-dump-to-file.txt"));
        ThreadDump json = ThreadDumpJsonParser.parse(Corpus.capture("jdk25/thread-dump-to-file.json")).dump();
        assertThat(text.threads()).hasSize(json.threads().size());
        assertThat(text.threads()).filteredOn(JvmThread::virtual).hasSize(7);
        assertThat(json.threads()).filteredOn(JvmThread::virtual).hasSize(7);
        assertThat(text.threads()).extracting(JvmThread::name).containsExactlyElementsOf(
                json.threads().stream().map(JvmThread::name).toList());
        JvmThread blockedText = text.threads().stream().filter(t -> t.name().equals("blocked-1")).findFirst().orElseThrow();
        JvmThread blockedJson = json.threads().stream().filter(t -> t.name().equals("blocked-1")).findFirst().orElseThrow();
        assertThat(blockedText.state()).isEqualTo(ThreadState.BLOCKED);
        assertThat(blockedJson.state()).isEqualTo(ThreadState.BLOCKED);
        assertThat(blockedJson.waitingToLock()).map(LockRef::className).contains("java.lang.Object");
        assertThat(blockedText.frames()).extracting(f -> f.text()).isEqualTo(
                blockedJson.frames().stream().map(f -> f.text()).toList());
        assertThat(text.timestamp()).startsWith("2026-12-02T");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk17", "jdk25"})
    void nativeMemorySummaryAndDiff(String jdk) {
        NativeMemory.Summary summary = (NativeMemory.Summary) NativeMemoryParser.parse(Corpus.capture(jdk + "/nmt-summary.txt"));
        assertThat(summary.diff()).isFalse();
        assertThat(summary.total().committedBytes()).isPositive();
        assertThat(summary.category("Java Heap").orElseThrow().amount().committedBytes()).isEqualTo(128 * M);
        assertThat(summary.category("Thread").orElseThrow().count()).isPositive();
        long sum = summary.categories().stream().mapToLong(c -> c.amount().committedBytes()).sum();
        assertThat((double) sum).isCloseTo(summary.total().committedBytes(), within(summary.total().committedBytes() * 0.01));
        assertThat(summary.mallocBytes()).isPositive();

        NativeMemory.Summary diff = (NativeMemory.Summary) NativeMemoryParser.parse(Corpus.capture(jdk + "/nmt-summary-diff.txt"));
        assertThat(diff.diff()).isTrue();
        NativeMemory.Category threads = diff.category("Thread").orElseThrow();
        assertThat(threads.countDelta()).as("50 threads were started after the baseline").isBetween(49L, 52L);
        assertThat(diff.category("Other").orElseThrow().amount().committedDeltaBytes())
                .as("32 MiB of direct buffers").isGreaterThanOrEqualTo(32 * M);
        assertThat(diff.category("Class").orElseThrow().countDelta()).isGreaterThan(900);
        if (jdk.equals("jdk25")) {
            assertThat(diff.mallocBytes()).as("JDK 25 prints the malloc total in a diff").isPositive();
        } else {
            assertThat(diff.mallocBytes()).as("JDK 17 prints no malloc total in a diff").isEqualTo(-1);
        }

        assertThat(NativeMemoryParser.parse(Corpus.capture(jdk + "/nmt-off.txt"))).isInstanceOf(NativeMemory.NotEnabled.class);
    }

    @Test
    void versionFlagsUptimeAndProcessStatus() {
        JvmIdentity v17 = VmVersionParser.parse(Corpus.capture("jdk17/vm-version.txt"));
        assertThat(v17.vmName()).isEqualTo("OpenJDK 64-Bit Server VM");
        assertThat(v17.vmVersion()).isEqualTo("17.0.15+6-Debian-1deb12u1");
        assertThat(v17.featureVersion()).isEqualTo(17);
        assertThat(VmVersionParser.parse(Corpus.capture("jdk25/vm-version.txt")).featureVersion()).isEqualTo(25);

        VmFlags flags = VmFlagsParser.parse(Corpus.capture("jdk25/vm-flags.txt"));
        assertThat(flags.gc()).isEqualTo(GarbageCollector.G1);
        assertThat(flags.maxHeapSize()).hasValue(Long.parseLong(Corpus.capture("jdk25/vm-flags.txt")
                .replaceAll("(?s).*MaxHeapSize=(\\d+).*", "$1")));
        assertThat(flags.nativeMemoryTracking()).isEqualTo("off");

        assertThat(UptimeParser.parse(Corpus.capture("jdk17/vm-uptime.txt"))).isEqualTo(4.325);

        ProcessStatus ps = ProcessStatusParser.parse(Corpus.capture("jdk17/proc-status.txt"));
        assertThat(ps.name()).isEqualTo("java");
        assertThat(ps.pid()).isEqualTo(3225);
        assertThat(ps.nsPids()).containsExactly(3225L);
        assertThat(ps.uid()).isZero();
        assertThat(ps.vmRssBytes()).isPositive().isEqualTo(ps.rssAnonBytes() + ps.rssFileBytes()
                + Long.parseLong(ps.fields().getOrDefault("RssShmem", "0 kB").split(" ")[0]) * K);
        assertThat(ps.threads()).isPositive();
        assertThat(ps.catchesSigquit()).as("HotSpot handles SIGQUIT to print thread dumps").isTrue();
    }

    @Test
    void vmFlagsAllLayout() {
        assumeCorpus();
        VmFlags all = VmFlagsParser.parse(Corpus.text("local/jdk17-vm-flags-all.txt"));
        assertThat(all.threadStackSize()).hasValue(1024 * K);
        assertThat(all.maxDirectMemorySize()).hasValue(0);
        assertThat(all.get("UseG1GC")).contains("true");
        assertThat(all.values()).hasSizeGreaterThan(500);
    }

    @Test
    void cgroupV1FilesOfThisMachine() {
        SnapshotReader reader = new SnapshotReader("cgroup");
        reader.add("cgroup/memory.limit_in_bytes", Corpus.capture("cgroup/v1-memory.limit_in_bytes"));
        reader.add("cgroup/memory.usage_in_bytes", Corpus.capture("cgroup/v1-memory.usage_in_bytes"));
        reader.add("cgroup/memory.stat", Corpus.capture("cgroup/v1-memory.stat"));
        CgroupMemory cg = reader.snapshot().cgroup();
        assertThat(cg.version()).isEqualTo(1);
        assertThat(cg.limitBytes()).as("no limit here").isEqualTo(-1);
        assertThat(cg.usageBytes()).isEqualTo(Long.parseLong(Corpus.capture("cgroup/v1-memory.usage_in_bytes").strip()));
        assertThat(cg.workingSetBytes()).isEqualTo(cg.usageBytes() - cg.stat().get("total_inactive_file"));
    }

    @Test
    void cgroupV2AsHeadPrintsIt() {
        String text = """
                ==> /sys/fs/cgroup/memory.max <==
                536870912

                ==> /sys/fs/cgroup/memory.current <==
                402653184

                ==> /sys/fs/cgroup/memory.stat <==
                anon 300000000
                file 100000000
                inactive_file 60000000
                """;
        assertThat(ContentDetector.detect(text)).isEqualTo(Kind.CGROUP_MEMORY);
        CgroupMemory cg = CgroupMemoryParser.parse(text);
        assertThat(cg.version()).isEqualTo(2);
        assertThat(cg.limitBytes()).isEqualTo(512 * M);
        assertThat(cg.usageBytes()).isEqualTo(384 * M);
        assertThat(cg.workingSetBytes()).isEqualTo(402_653_184L - 60_000_000L);
        assertThat(CgroupMemoryParser.parse(text.replace("536870912", "max")).limitBytes()).isEqualTo(-1);
    }

    private static void assumeCorpus() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Corpus.present(), "shared corpus absent");
    }
}
