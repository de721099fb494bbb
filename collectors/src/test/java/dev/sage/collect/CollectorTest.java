package dev.sage.collect;

import dev.sage.parse.ContentDetector;
import dev.sage.parse.Kind;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.ClassHistogram;
import dev.sage.snapshot.Deadlock;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.JvmThread;
import dev.sage.snapshot.NativeMemory;
import dev.sage.snapshot.ThreadDump;
import dev.sage.snapshot.ThreadFamilies;
import dev.sage.snapshot.ThreadState;
import dev.sage.transport.CollectionException;
import dev.sage.transport.LocalTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Collection from real misbehaving JVMs started by the test, through the local transport. */
class CollectorTest {
    private final Collector collector = new Collector(new LocalTransport());

    @AfterEach
    void noJcmdOfOursIsLeftRunning() {
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("jcmd"))
                .map(ProcessHandle::pid).toList()).isEmpty();
    }

    /** The JDK of that feature release: this JVM's when it is one, else the machine's; the test skips without it. */
    static Path jdk(String which) {
        int feature = Integer.parseInt(which);
        if (Runtime.version().feature() == feature) {
            return Path.of(System.getProperty("java.home"));
        }
        Path home = feature == 25 ? ScenarioJvm.JDK25 : Path.of("/usr/lib/jvm/java-" + feature + "-openjdk-amd64");
        assumeTrue(java.nio.file.Files.isExecutable(home.resolve("bin/jcmd")), "JDK " + feature + " is not installed at " + home);
        return home;
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void deadlockOnMonitorsIsReportedWithItsCycle(String jdk) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(jdk(jdk), "deadlock-monitors", List.of())) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults()).snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.jvm().featureVersion()).isEqualTo(Integer.parseInt(jdk));
            Deadlock cycle = s.lastThreadDump().deadlocks().get(0);
            assertThat(cycle.threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B");
            assertThat(cycle.links()).noneMatch(Deadlock.Link::ownable);
            assertThat(s.heap()).isNotNull();
            assertThat(s.lastHistogram()).isNotNull();
            assertThat(s.flags().gc()).isNotNull();
            assertThat(s.process().pid()).isEqualTo(jvm.pid());
            assertThat(s.nativeMemory()).isInstanceOf(NativeMemory.NotEnabled.class);
            assertThat(s.uptimeSeconds()).isPositive();
        }
    }

    @Test
    void deadlockOnReentrantLocksNamesTheOwnableSynchronizers() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-locks")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot();
            Deadlock cycle = s.lastThreadDump().deadlocks().get(0);
            assertThat(cycle.threadNames()).containsExactlyInAnyOrder("lock-deadlock-A", "lock-deadlock-B");
            assertThat(cycle.links()).allMatch(Deadlock.Link::ownable);
            assertThat(cycle.links()).extracting(l -> l.lock().className())
                    .containsOnly("java.util.concurrent.locks.ReentrantLock$NonfairSync");
            assertThat(s.histograms()).as("--no-histogram").isEmpty();
        }
    }

    @Test
    void threadsBlockedOnOneMonitorAndTheHolder() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("blocked-on-monitor")) {
            ThreadDump dump = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot().lastThreadDump();
            List<JvmThread> blocked = dump.threads().stream().filter(t -> t.name().startsWith("request-")).toList();
            assertThat(blocked).hasSize(10).allMatch(t -> t.state() == ThreadState.BLOCKED);
            String lock = blocked.get(0).waitingToLock().orElseThrow().id();
            assertThat(blocked).allMatch(t -> t.waitingToLock().orElseThrow().id().equals(lock));
            JvmThread holder = dump.threads().stream().filter(t -> t.heldMonitors().stream().anyMatch(l -> l.id().equals(lock)))
                    .findFirst().orElseThrow();
            assertThat(holder.name()).isEqualTo("slow-holder");
            assertThat(holder.state()).isEqualTo(ThreadState.TIMED_WAITING);
        }
    }

    @Test
    void threadCountGrowsBetweenRoundsWhenAnExecutorIsBuiltPerRequest() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            Collector.Result r = collector.collect(jvm.pid(),
                    CollectionPlan.defaults().withoutHistogram().withRounds(2, Duration.ofMillis(1500)));
            JvmSnapshot s = r.snapshot();
            assertThat(s.threadDumps()).hasSize(2);
            long first = poolThreads(s.threadDumps().get(0));
            long second = poolThreads(s.threadDumps().get(1));
            assertThat(second).isGreaterThan(first + 20);
            ThreadFamilies.Family top = ThreadFamilies.of(s.lastThreadDump().threads()).get(0);
            assertThat(top.pattern()).isEqualTo("pool-*-thread-1");
            assertThat(top.count()).isEqualTo((int) second);
            assertThat(r.timings()).containsKeys("process facts", "round 1 jcmd", "round 2 process facts", "round 2 jcmd");
        }
    }

    @Test
    void timersCreatedPerCallPileUp() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("timer-leak")) {
            Thread.sleep(500);
            ThreadDump dump = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot().lastThreadDump();
            // a timer started a moment before the dump may not have reached its loop yet
            List<JvmThread> timers = dump.threads().stream().filter(t -> t.name().matches("Timer-\\d+") && t.frames().size() > 1)
                    .toList();
            assertThat(timers).hasSizeGreaterThan(10);
            assertThat(timers).allMatch(t -> t.frames().stream().anyMatch(f -> f.text().startsWith("java.util.TimerThread.mainLoop")));
        }
    }

    @Test
    void aSocketReadWithoutTimeoutShowsInTheReadersStack() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("socket-read")) {
            ThreadDump dump = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot().lastThreadDump();
            JvmThread reader = dump.threads().stream().filter(t -> t.name().equals("http-client-read-0")).findFirst().orElseThrow();
            assertThat(reader.state()).isEqualTo(ThreadState.RUNNABLE);
            assertThat(reader.frames()).anyMatch(f -> f.text().contains("SocketInputStream.read")
                    || f.text().contains("NioSocketImpl.read"));
        }
    }

    @Test
    void threadsWaitingOnALatchNobodyCountsDown() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("latch-forever")) {
            ThreadDump dump = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot().lastThreadDump();
            List<JvmThread> waiters = dump.threads().stream().filter(t -> t.name().startsWith("startup-waiter-")).toList();
            assertThat(waiters).hasSize(3).allSatisfy(t -> {
                assertThat(t.state()).isEqualTo(ThreadState.WAITING);
                assertThat(t.parkedOn().orElseThrow().className()).isEqualTo("java.util.concurrent.CountDownLatch$Sync");
            });
        }
    }

    @Test
    void aGrowingMapCacheShowsAsAGrowingHistogramRow() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("map-cache")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults().withRounds(2, Duration.ofMillis(1500))).snapshot();
            assertThat(s.histograms()).hasSize(2);
            long before = instances(s.histograms().get(0), "dev.sage.scenarios.Scenario$CacheEntry");
            long after = instances(s.histograms().get(1), "dev.sage.scenarios.Scenario$CacheEntry");
            assertThat(after).isGreaterThan(before + 50);
        }
    }

    @Test
    void directBuffersGrowNativeMemoryOutsideTheHeap() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("direct-buffers", "-XX:NativeMemoryTracking=summary")) {
            JvmSnapshot first = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot();
            Thread.sleep(1500);
            JvmSnapshot second = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot();
            long a = other(first);
            long b = other(second);
            assertThat(b - a).as("direct buffers count as NMT 'Other'").isGreaterThan(10L << 20);
        }
    }

    @Test
    void classLoadersThatMultiplyShowInTheHistogram() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("class-loaders")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults().withRounds(2, Duration.ofMillis(1500))).snapshot();
            long before = instances(s.histograms().get(0), "dev.sage.scenarios.Scenario$IsolatedClassLoader");
            long after = instances(s.histograms().get(1), "dev.sage.scenarios.Scenario$IsolatedClassLoader");
            assertThat(after).isGreaterThan(before + 20);
        }
    }

    @Test
    void aFullHeapShowsUsedCloseToMax() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("heap-fill")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot();
            assertThat((double) s.heap().usedBytes()).isGreaterThan(0.8 * s.flags().maxHeapSize().getAsLong());
        }
    }

    @Test
    void aHealthyServiceHasItsFewIdlePools() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("healthy")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults()).snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks()).isEmpty();
            assertThat(s.lastThreadDump().countByState().get(ThreadState.BLOCKED)).isZero();
            assertThat(s.lastThreadDump().threads()).filteredOn(t -> t.name().startsWith("worker-")).hasSize(4);
            assertThat(s.lastThreadDump().threads().size()).isLessThan(40);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void oneJcmdStartAnswersEveryCommandOfThePlanAndTheSplitHolds(String jdk) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(jdk(jdk), "idle", List.of())) {
            List<JcmdCommand> plan = CollectionPlan.defaults().commands();
            LocalTransport local = new LocalTransport();
            var r = local.exec(List.of(jdk(jdk).resolve("bin/jcmd").toString(), Long.toString(jvm.pid()), "-f", "/dev/stdin"),
                    JcmdBatch.script(plan), Duration.ofSeconds(60), 64 << 20);
            JcmdBatch.Split split = JcmdBatch.split(r.stdoutText(), plan.size());
            assertThat(split.pid()).isEqualTo(jvm.pid());
            assertThat(split.complete(plan.size())).isTrue();
            for (int i = 0; i < plan.size(); i++) {
                // each answer is exactly one capture of the kind its command produces
                assertThat(ContentDetector.sections(split.answers().get(i))).as(plan.get(i).command())
                        .extracting(s -> s.kind()).containsExactly(plan.get(i).kind());
            }
            assertThat(split.answers().get(3)).as("NMT off is an answer").contains("Native memory tracking is not enabled");
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "25"})
    void anUnknownCommandIsRecordedAndTheCommandsAfterItStillRun(String jdk) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(jdk(jdk), "idle", List.of())) {
            JcmdCommand bogus = new JcmdCommand("Sage.no_such_command", Kind.JCMD_OTHER);
            CollectionPlan plan = new CollectionPlan(List.of(JcmdCommand.VM_VERSION, bogus, JcmdCommand.HEAP_INFO,
                    JcmdCommand.VM_FLAGS), 1, Duration.ofSeconds(1), Duration.ofSeconds(60), 1 << 20);
            JvmSnapshot s = collector.collect(jvm.pid(), plan).snapshot();
            assertThat(s.jvm()).isNotNull();
            assertThat(s.heap()).isNotNull();
            assertThat(s.flags()).isNotNull();
            assertThat(s.problems()).extracting(p -> p.source() + ": " + p.message())
                    .containsExactly("round 1: Sage.no_such_command: the JVM does not know this jcmd command (the JVM is"
                            + " older than the command): java.lang.IllegalArgumentException: Unknown diagnostic command");
        }
    }

    private static long poolThreads(ThreadDump d) {
        return d.threads().stream().filter(t -> t.name().matches("pool-\\d+-thread-1")).count();
    }

    private static long instances(ClassHistogram h, String cls) {
        return h.rows().stream().filter(r -> r.className().equals(cls)).mapToLong(ClassHistogram.Row::instances).sum();
    }

    private static long other(JvmSnapshot s) {
        return ((NativeMemory.Summary) s.nativeMemory()).category("Other").orElseThrow().amount().committedBytes();
    }
}
