package dev.sage.parse;

import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.LockRef;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.Problem;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every real capture of the shared corpus is recognised for what it is and read without error. */
class CorpusTest {

    /** The kind each corpus file is, as its name and SOURCES.md say. */
    static Kind expectedKind(String name) {
        if (name.contains("javacore")) return Kind.OPENJ9_JAVACORE;
        if (name.contains("jrockit")) return Kind.JROCKIT_THREAD_DUMP;
        if (name.endsWith(".json")) return Kind.THREAD_DUMP_JSON;
        if (name.contains("dump-with-class-histogram")) return Kind.THREAD_DUMP; // a dump, then a histogram
        if (name.contains("histo")) return Kind.CLASS_HISTOGRAM;
        if (name.contains("nmt")) return Kind.NATIVE_MEMORY;
        if (name.contains("heap-info")) return Kind.HEAP_INFO;
        if (name.contains("vm-flags")) return Kind.VM_FLAGS;
        if (name.contains("vm-version") || name.contains("root-to-other-user") || name.startsWith("pidns-")) {
            return Kind.VM_VERSION;
        }
        if (name.contains("help")) return Kind.JCMD_HELP;
        if (name.contains("jcmd-l")) return Kind.JVM_LIST;
        if (name.contains("trim-native-heap")) return Kind.JCMD_OTHER;
        if (name.contains("nonexistent-pid") || name.contains("unknown-command") || name.contains("other-user")
                || name.contains("disable-attach")) {
            return Kind.JCMD_ERROR;
        }
        return Kind.THREAD_DUMP; // jstack, jcmd Thread.print, kill -3 logs, dump_to_file text
    }

    static Stream<Arguments> corpusFiles() {
        List<Path> files = Corpus.files("public", "local");
        if (files.isEmpty()) {
            return Stream.of(Arguments.of((Object) null)); // one invocation that reports the skip
        }
        return files.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFiles")
    void everyCorpusFileIsDetectedAsWhatItIsAndReadsWithoutError(Path file) {
        assumeTrue(file != null, "the shared corpus is absent: " + Corpus.root());
        String name = file.getFileName().toString();
        String text = TextDecoder.decode(Corpus.bytes(file));
        Kind expected = expectedKind(name);

        assertThat(ContentDetector.detect(text)).as("detected kind of %s", name).isEqualTo(expected);

        SnapshotReader reader = new SnapshotReader(name);
        reader.add(name, text);
        JvmSnapshot snapshot = reader.snapshot();
        if (expected.diagnostic() && expected.supported()) {
            assertThat(snapshot.problems()).as("problems reading %s", name)
                    .filteredOn(p -> !p.message().startsWith("is jcmd's list") && !p.message().contains("different processes"))
                    .isEmpty();
            assertThat(snapshot.isEmpty()).as("%s yields a snapshot", name).isFalse();
        } else {
            // listings, errors and vendor formats are named for what they are, in one sentence each
            assertThat(snapshot.problems()).as("explanation for %s", name).isNotEmpty();
            assertThat(snapshot.problems().get(0).message()).doesNotContain("Exception in thread");
        }
        if (expected == Kind.THREAD_DUMP || expected == Kind.THREAD_DUMP_JSON) {
            assertThat(snapshot.threadDumps()).isNotEmpty();
            assertThat(snapshot.threadDumps()).allSatisfy(d -> {
                assertThat(d.threads()).isNotEmpty();
                assertThat(d.truncated()).as("complete dump %s marked truncated", name).isFalse();
                assertThat(d.threads()).allSatisfy(t -> assertThat(t.name()).doesNotContain("\n"));
            });
        }
    }

    // ---- pinned: what SOURCES.md calls notable ----

    @Test
    void twoThreadDeadlockCycleIsReportedWithBothThreadsAndTheirMonitors() {
        ThreadDump dump = only("public/jthreaddump-jdk25-deadlock.txt");
        assertThat(dump.deadlocks()).hasSize(1);
        Deadlock cycle = dump.deadlocks().get(0);
        assertThat(cycle.threadNames()).containsExactly("DeadlockThread-A", "DeadlockThread-B");
        assertThat(cycle.links()).extracting(Deadlock.Link::heldBy).containsExactly("DeadlockThread-B", "DeadlockThread-A");
        assertThat(cycle.links()).extracting(l -> l.lock().className()).containsOnly("java.lang.Object");
        assertThat(cycle.links()).noneMatch(Deadlock.Link::ownable);
        assertThat(cycle.links().get(0).lock().id()).startsWith("0x").isNotEqualTo(cycle.links().get(1).lock().id());
        // the threads of the report are ordinary threads of the dump, BLOCKED with their stacks
        JvmThread a = thread(dump, "DeadlockThread-A");
        assertThat(a.state()).isEqualTo(ThreadState.BLOCKED);
        assertThat(a.waitingToLock()).map(LockRef::id).contains(cycle.links().get(0).lock().id());
        // the report's own stack copies are not counted as threads
        assertThat(dump.threads()).filteredOn(t -> t.name().equals("DeadlockThread-A")).hasSize(1);
    }

    @Test
    void threeWayDeadlockIsOneCycleOfThreeBesideTheTwoThreadCycles() {
        ThreadDump dump = only("public/jthreaddump-jdk25-three-way-deadlock.txt");
        assertThat(dump.deadlocks()).extracting(d -> d.links().size()).containsExactlyInAnyOrder(2, 2, 3);
        Deadlock three = dump.deadlocks().stream().filter(d -> d.links().size() == 3).findFirst().orElseThrow();
        assertThat(three.threadNames()).containsExactly("DeadlockThread-A", "DeadlockThread-B", "DeadlockThread-C");
        assertThat(three.links()).extracting(Deadlock.Link::heldBy)
                .containsExactly("DeadlockThread-B", "DeadlockThread-C", "DeadlockThread-A");
        assertThat(dump.countByState().get(ThreadState.BLOCKED)).isEqualTo(7);
    }

    @Test
    void thirtyThreadsBlockedOnOneMonitorAndTheThreadHoldingIt() {
        ThreadDump dump = only("public/tda-jdk6-urlthread.txt");
        assertThat(dump.threads()).hasSize(70);
        assertThat(dump.countByState().get(ThreadState.BLOCKED)).isEqualTo(41);
        Map<String, Long> blockedByLock = dump.threads().stream()
                .filter(t -> t.waitingToLock().isPresent())
                .collect(Collectors.groupingBy(t -> t.waitingToLock().get().id(), Collectors.counting()));
        assertThat(blockedByLock).containsEntry("0xd5bada80", 30L);
        LockRef lock = dump.threads().stream().flatMap(t -> t.waitingToLock().stream())
                .filter(l -> l.id().equals("0xd5bada80")).findFirst().orElseThrow();
        assertThat(lock.className()).isEqualTo("org.archive.crawler.postprocessor.FrontierScheduler");
        List<JvmThread> holders = dump.threads().stream()
                .filter(t -> t.heldMonitors().stream().anyMatch(l -> l.id().equals("0xd5bada80"))).toList();
        assertThat(holders).hasSize(1);
        assertThat(holders.get(0).name()).startsWith("ToeThread #18: http://www.urbanoutfitters.com/");
        assertThat(holders.get(0).state()).isEqualTo(ThreadState.RUNNABLE);
        assertThat(holders.get(0).daemon()).isTrue();
        assertThat(holders.get(0).nid()).isEqualTo(0x4f1b);
    }

    @Test
    void watchServiceThreadPileUp() {
        ThreadDump dump = only("public/playframework-jdk8-watchservice-threads.txt");
        assertThat(dump.threads()).hasSize(428);
        assertThat(dump.threads()).filteredOn(t -> t.name().startsWith("WatchService for ")).hasSize(374);
    }

    @Test
    void mountedVirtualThreadsAreKeptWithTheirCarriers() {
        ThreadDump dump = only("public/jthreaddump-jdk25-many-virtual-threads.txt");
        List<JvmThread> carriers = dump.threads().stream().filter(t -> t.carried() != null).toList();
        assertThat(carriers).hasSize(10);
        JvmThread first = thread(dump, "ForkJoinPool-1-worker-1");
        assertThat(first.carried().id()).isEqualTo(206);
        assertThat(first.carried().frames().get(0).text())
                .startsWith("me.bechberger.jthreaddump.test.ThreadDumpGenerator.lambda$manyVirtualThreadsScenario$1");
        assertThat(first.frames().get(0).text()).startsWith("jdk.internal.vm.Continuation.run");
        assertThat(dump.virtualThreadCount()).isEqualTo(10);
    }

    @Test
    void threeMillionInstanceRowOfTheLeakHistogram() {
        JvmSnapshot s = read("public/memoryleak-jdk17-histo.txt");
        ClassHistogram h = s.lastHistogram();
        assertThat(h.hasTotalLine()).isTrue();
        assertThat(h.totalInstances()).isEqualTo(12_274_308L);
        assertThat(h.totalBytes()).isEqualTo(389_926_088L);
        ClassHistogram.Row bad = h.rows().stream().filter(r -> r.instances() == 3_000_000L).findFirst().orElseThrow();
        assertThat(bad.rank()).isEqualTo(4);
        assertThat(bad.className()).isEqualTo("narif.poc.memoryleaks.model.BadPerson");
        assertThat(bad.bytes()).isEqualTo(72_000_000L);
        assertThat(bad.module()).isEmpty();
        assertThat(h.rows().get(0).className()).isEqualTo("[B");
        assertThat(h.rows().get(0).readableClassName()).isEqualTo("byte[]");
        assertThat(h.rows().get(0).module()).isEqualTo("java.base@17.0.5");
        assertThat(h.rows()).hasSize(3459);
    }

    @Test
    void nativeMemoryDiffShowsClassLoaderGrowth() {
        JvmSnapshot s = read("public/stuefe-nmt-detail-diff-classloaders.txt");
        NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();
        assertThat(nmt.diff()).isTrue();
        assertThat(nmt.total().committedDeltaBytes()).isEqualTo(1_513_602L * 1024);
        NativeMemory.Category cls = nmt.category("Class").orElseThrow();
        assertThat(cls.mallocDeltaBytes()).isEqualTo(222_663L * 1024);
        assertThat(cls.mallocCountDelta()).isEqualTo(400_082L);
        assertThat(cls.amount().committedDeltaBytes()).isEqualTo(222_663L * 1024);
        NativeMemory.Category module = nmt.category("Module").orElseThrow();
        assertThat(module.amount().committedDeltaBytes()).isEqualTo(189_844L * 1024);
        assertThat(module.mallocCountDelta()).isEqualTo(300_000L);
        assertThat(nmt.category("Symbol").orElseThrow().mallocCountDelta()).isEqualTo(199_773L);
        // the detail call sites after the summary are not taken for categories
        assertThat(nmt.categories()).extracting(NativeMemory.Category::name).doesNotHaveDuplicates()
                .allSatisfy(n -> assertThat(n).doesNotStartWith("["));
    }

    @Test
    void threadLeakPairIsATimeSeriesWithGrowingThreadFamily() {
        SnapshotReader reader = new SnapshotReader("pair");
        reader.add("dump0", Corpus.text("public/sxnamit-jdk21-thread-leak-dump0.txt"));
        reader.add("dump1", Corpus.text("public/sxnamit-jdk21-thread-leak-dump1.txt"));
        JvmSnapshot s = reader.snapshot();
        assertThat(s.threadDumps()).hasSize(2);
        assertThat(s.threadDumps()).extracting(d -> d.threads().stream().filter(t -> t.name().matches("Thread-\\d+")).count())
                .containsExactly(10L, 33L);
        assertThat(s.threadDumps()).extracting(d -> d.threads().size()).containsExactly(31, 54);
    }

    @Test
    void utf16DumpFromWindowsReadsLikeAnyOther() {
        ThreadDump dump = only("public/jstackanalyzer-jdk21-windows-utf16.txt");
        assertThat(dump.threads()).hasSize(67);
        assertThat(dump.threads()).filteredOn(t -> t.name().matches("http-nio-\\d+-exec-\\d+")).hasSize(10);
        assertThat(dump.threads()).allSatisfy(t -> assertThat(t.name()).doesNotContain("\r"));
    }

    @Test
    void textbookBlockedSampleNamesTheHolder() {
        ThreadDump dump = only("public/famaridon-jdk7-blocked-sample.txt");
        List<JvmThread> blocked = dump.threads().stream().filter(t -> t.name().startsWith("BLOCKED_TEST")
                && t.state() == ThreadState.BLOCKED).toList();
        assertThat(blocked).hasSize(2);
        String lock = blocked.get(0).waitingToLock().orElseThrow().id();
        assertThat(blocked.get(1).waitingToLock().orElseThrow().id()).isEqualTo(lock);
        assertThat(dump.threads()).filteredOn(t -> t.heldMonitors().stream().anyMatch(l -> l.id().equals(lock)))
                .extracting(JvmThread::name).containsExactly("BLOCKED_TEST pool-1-thread-1");
    }

    @Test
    void jdk5DumpFollowedByAClassHistogramGivesBoth() {
        JvmSnapshot s = read("public/tda-jdk5-dump-with-class-histogram.txt");
        assertThat(s.threadDumps()).hasSize(1);
        assertThat(s.lastThreadDump().threads()).hasSize(14);
        assertThat(s.lastHistogram().totalInstances()).isEqualTo(183_155L);
        assertThat(s.lastHistogram().totalBytes()).isEqualTo(16_330_872L);
        assertThat(s.lastHistogram().rows().get(0).module()).isEmpty();
        assertThat(s.jvm().featureVersion()).isEqualTo(5);
    }

    @Test
    void severalDumpsInOneLogAreATimeSeries() {
        assertThat(read("public/tda-hpux-jdk5-2dumps.txt").threadDumps()).extracting(d -> d.threads().size())
                .containsExactly(574, 574);
        assertThat(read("public/tda-jdk6-mbean-format-3dumps.txt").threadDumps()).extracting(d -> d.threads().size())
                .containsExactly(88, 86, 86);
        JvmSnapshot sap = read("public/tda-sap-j2ee-server-log.txt");
        assertThat(sap.threadDumps()).extracting(d -> d.threads().size()).containsExactly(388, 388);
        // 26 BLOCKED across both dumps (11 then 15), 17 of them behind the FCAServer monitor
        assertThat(sap.threadDumps()).extracting(d -> d.countByState().get(ThreadState.BLOCKED)).containsExactly(11, 15);
        assertThat(sap.threadDumps().stream().flatMap(d -> d.threads().stream())
                .filter(t -> t.waitingToLock().map(l -> l.className().equals("com.sap.bc.proj.jstartup.fca.FCAServer")).orElse(false)))
                .hasSize(17);
    }

    @Test
    void jmxAndVisualVmLayoutsReadTheirStatesAndNumbers() {
        ThreadDump jmx = read("public/tda-jdk6-mbean-format-3dumps.txt").threadDumps().get(0);
        JvmThread rmi = jmx.threads().get(0);
        assertThat(rmi.name()).isEqualTo("RMI TCP Connection(23)-127.0.1.1");
        assertThat(rmi.number()).isEqualTo(3149);
        assertThat(rmi.state()).isEqualTo(ThreadState.RUNNABLE);
        assertThat(rmi.ownableSynchronizers()).extracting(LockRef::className)
                .containsExactly("java.util.concurrent.locks.ReentrantLock$NonfairSync");

        ThreadDump vvm = only("public/tda-visualvm-remote-format.txt");
        assertThat(vvm.threads()).hasSize(119);
        JvmThread timer = vvm.threads().get(0);
        assertThat(timer.name()).isEqualTo("Timer-180");
        assertThat(timer.number()).isEqualTo(332);
        assertThat(timer.state()).isEqualTo(ThreadState.TIMED_WAITING);
        assertThat(vvm.threads()).filteredOn(t -> t.name().matches("Timer-\\d+")).hasSize(7);
    }

    @Test
    void vendorFormatsAreNamedAndNotMisread() {
        for (String f : List.of("public/ibm-j9-jdk8-javacore.txt", "public/openj9-semeru21-macos-javacore.txt",
                "public/tda-jrockit15-format.txt")) {
            JvmSnapshot s = read(f);
            assertThat(s.threadDumps()).as(f).isEmpty();
            assertThat(s.problems()).as(f).hasSize(1);
            assertThat(s.problems().get(0).message()).contains("does not read this format yet");
        }
    }

    @Test
    void jcmdErrorAnswersAreExplainedNotParsed() {
        assertThat(read("local/jdk17-nonexistent-pid.txt").problems()).extracting(Problem::message)
                .containsExactly("no JVM is running with pid 999999 (java.io.IOException: No such process)");
        assertThat(read("local/jdk25-other-user-after-root-attach.txt").problems().get(0).message())
                .contains("attach must run as the JVM's own user (uid 1001)");
        assertThat(read("local/jdk17-disable-attach.txt").problems().get(0).message())
                .contains("-XX:+DisableAttachMechanism");
        assertThat(read("local/jdk17-nmt-off.txt").nativeMemory()).isInstanceOf(NativeMemory.NotEnabled.class);
    }

    // ---- helpers ----

    private static JvmSnapshot read(String relative) {
        SnapshotReader reader = new SnapshotReader(relative);
        reader.add(relative, Corpus.text(relative));
        return reader.snapshot();
    }

    private static ThreadDump only(String relative) {
        JvmSnapshot s = read(relative);
        assertThat(s.threadDumps()).hasSize(1);
        return s.threadDumps().get(0);
    }

    private static JvmThread thread(ThreadDump dump, String name) {
        Map<String, JvmThread> byName = dump.threads().stream()
                .collect(Collectors.toMap(JvmThread::name, Function.identity(), (a, b) -> a));
        assertThat(byName).containsKey(name);
        return byName.get(name);
    }
}
