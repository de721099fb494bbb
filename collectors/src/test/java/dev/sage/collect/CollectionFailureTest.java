package dev.sage.collect;

import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecResult;
import dev.sage.transport.LocalTransport;
import dev.sage.transport.SudoTransport;
import dev.sage.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every way collection fails gets its own clear message and leaves nothing running. */
class CollectionFailureTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private final Collector collector = new Collector(new LocalTransport());

    @AfterEach
    void noJcmdIsLeftRunning() {
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("/jcmd"))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList()).isEmpty();
    }

    @Test
    void aPidThatDoesNotExist() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThatThrownBy(() -> collector.collect(gone.pid(), CollectionPlan.defaults()))
                .isInstanceOf(CollectionException.class)
                .hasMessage("no process with pid " + gone.pid() + " on local")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.TARGET_GONE);
    }

    @Test
    void aPidThatIsNotAJvmIsLeftAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            assertThatThrownBy(() -> collector.collect(sleep.pid(), CollectionPlan.defaults()))
                    .hasMessage("pid " + sleep.pid() + " (sleep) is not a JVM: it does not load libjvm. Sage did not attach to it")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.UNSUPPORTED);
            Thread.sleep(200);
            assertThat(sleep.isAlive()).as("not signalled").isTrue();
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aJvmRunWithXrsIsAttachedThroughTheListenerItStartedItselfAndSurvives() throws Exception {
        // -Xrs JVMs install no SIGQUIT handler, so HotSpot starts their attach listener at startup
        try (ScenarioJvm jvm = ScenarioJvm.start("idle", "-Xrs")) {
            JvmSnapshot s = collector.collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram()).snapshot();
            assertThat(s.process().catchesSigquit()).isFalse();
            assertThat(s.threadDumps()).hasSize(1);
            Thread.sleep(200);
            assertThat(jvm.process().isAlive()).isTrue();
        }
    }

    @Test
    void aJvmWithNeitherAListenerNorASigquitHandlerIsNotSignalled() throws Exception {
        // e.g. a JVM caught while it starts, before it installs its handlers: jcmd's SIGQUIT would kill it
        String facts = "==> me <==\n0\n==> status <==\nName:\tjava\nPid:\t4242\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n"
                + "SigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n==> jvm <==\nyes\n==> attach <==\n"
                + "==> exe <==\n/opt/jdk/bin/java\n==> jcmd <==\n/opt/jdk/bin/jcmd\n==> path-jcmd <==\n==> jattach <==\n";
        assertThatThrownBy(() -> collector.jcmdArgv(4242, ProcessFacts.parse(facts)))
                .hasMessage("pid 4242 does not handle SIGQUIT (started with -Xrs?): jcmd's attach signal would kill it,"
                        + " so Sage did not attach");
        String ready = facts.replace("SigCgt:\t0000000000000000", "SigCgt:\t0000000000000004");
        assertThat(collector.jcmdArgv(4242, ProcessFacts.parse(ready))).as("attached in this process").isEmpty();
        assertThat(new Collector(new Elsewhere(new LocalTransport())).jcmdArgv(4242, ProcessFacts.parse(ready))).satisfies(argv -> {
            assertThat(List.of(argv.get(0), argv.get(1), argv.get(3), argv.get(4))).containsExactly("sh", "-c", "/opt/jdk/bin/jcmd", "4242");
            assertThat(argv.get(2)).startsWith("cat | \"$0\" -J-Xlog:disable \"$1\" -f /dev/stdin; s=$?;").endsWith("exit $s");
        });
    }

    @Test
    void aJvmWithAttachDisabled() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle", "-XX:+DisableAttachMechanism")) {
            assertThatThrownBy(() -> new Collector(new Elsewhere(new LocalTransport())).collect(jvm.pid(), CollectionPlan.defaults()))
                    .hasMessage("JVM " + jvm.pid() + " does not accept attach (it runs with -XX:+DisableAttachMechanism,"
                            + " or is not a HotSpot JVM): com.sun.tools.attach.AttachNotSupportedException: The VM does"
                            + " not support the attach mechanism")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.UNSUPPORTED);
            // attaching itself, Sage reads the same refusal in the JVM's counters, before any signal
            assertThatThrownBy(() -> collector.collect(jvm.pid(), CollectionPlan.defaults()))
                    .hasMessage("JVM " + jvm.pid() + " does not accept attach (it runs with -XX:+DisableAttachMechanism,"
                            + " or is not a HotSpot JVM); Sage did not signal it")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.UNSUPPORTED);
            Thread.sleep(300);
            assertThat(jvm.output()).as("a SIGQUIT would have printed a thread dump").noneMatch(l -> l.startsWith("Full thread dump"));
            assertThat(jvm.process().isAlive()).isTrue();
        }
    }

    @Test
    void aJvmOfAnotherUserWhileSageIsNotRootSaysWhichUidToRunAs() throws Exception {
        assumeTrue(ROOT, "needs root to start processes as other users");
        long nobody = 65534;
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + nobody, "--regid=" + nobody, "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                scenarioClasspath(), "dev.sage.scenarios.Scenario", "idle"));
        try (ScenarioJvm jvm = ScenarioJvm.launch(cmd)) {
            long javaPid = jvm.process().descendants().findFirst().map(ProcessHandle::pid).orElse(jvm.pid());
            Collector asOtherUser = new Collector(new RunAs(new LocalTransport(), 12345));
            assertThatThrownBy(() -> asOtherUser.collect(javaPid, CollectionPlan.defaults()))
                    .hasMessage("pid " + javaPid + " runs as uid 65534 and Sage's commands as uid 12345: the JVM accepts"
                            + " jcmd only from its own user. Run Sage as uid 65534, or as root")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);

            // as root, Sage runs jcmd as the JVM's own user and gets its answer; on its own machine too, rather than
            // attach itself as root (a JDK 8 JVM, or one in a user namespace, would not answer root)
            Collector.Result asRoot = collector.collect(javaPid, CollectionPlan.defaults().withoutHistogram());
            assertThat(asRoot.via()).startsWith("setpriv --reuid=65534 --regid=65534 --clear-groups -- sh -c");
            assertThat(asRoot.snapshot().threadDumps()).hasSize(1);
            assertThat(asRoot.snapshot().process().uid()).isEqualTo(nobody);
        }
    }

    @Test
    void withSudoTheCommandsRunAsTheJvmsUserAndAPasswordPromptIsRefused() throws Exception {
        assumeTrue(ROOT && Files.isExecutable(Path.of("/usr/bin/sudo")), "needs root and sudo");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:+StartAttachListener", // its own socket, whatever a dead JVM of the same pid left in /tmp
                "-cp", scenarioClasspath(), "dev.sage.scenarios.Scenario", "deadlock-monitors"));
        try (ScenarioJvm jvm = ScenarioJvm.launch(cmd)) {
            long javaPid = jvm.process().descendants().findFirst().map(ProcessHandle::pid).orElse(jvm.pid());
            Transport sudo = new SudoTransport(new LocalTransport(), "nobody");
            JvmProcess found = new JvmDiscovery(sudo, -1).select(Optional.of(javaPid), Optional.empty());
            Collector.Result r = new Collector(sudo).collect(found, CollectionPlan.defaults().withoutHistogram());
            assertThat(r.snapshot().problems()).isEmpty();
            assertThat(r.snapshot().lastThreadDump().deadlocks()).hasSize(1);
            assertThat(r.via()).as("already the JVM's user: no setpriv").startsWith("sh -c");

            Transport refused = new SudoTransport(new RunAs(new LocalTransport(), 65534), "root");
            assertThatThrownBy(() -> refused.exec(List.of("id", "-u"), new byte[0], Duration.ofSeconds(10), 1024))
                    .hasMessage("sudo on local wants a password to run id as root, and Sage never types one: allow it"
                            + " in sudoers without a password (NOPASSWD), for jcmd and sh at least")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);
        }
    }

    @Test
    void anAttachSocketLeftByADeadProcessWithTheSamePidIsNamedAsStale() throws Exception {
        assumeTrue(ROOT, "needs root to start processes as other users");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                scenarioClasspath(), "dev.sage.scenarios.Scenario", "idle"));
        try (ScenarioJvm jvm = ScenarioJvm.launch(cmd)) {
            Path stale = Path.of("/tmp/.java_pid" + jvm.pid());
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(stale), "the JVM already has its socket");
            try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                server.bind(java.net.UnixDomainSocketAddress.of(stale)); // a root-owned socket, as a dead root JVM leaves
            }
            try {
                assertThatThrownBy(() -> collector.collect(jvm.pid(), CollectionPlan.defaults()))
                        .hasMessageStartingWith("jcmd was refused by JVM " + jvm.pid() + ": its attach socket " + stale
                                + " belongs to uid 0, not to the JVM's uid 65534, so it was left by a process that had"
                                + " this pid before. Remove it and try again")
                        .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);
                assertThat(jvm.process().isAlive()).isTrue();
            } finally {
                Files.deleteIfExists(stale);
            }
        }
    }

    @Test
    void onThisMachineAJvmWithoutJcmdIsAttachedByTheCollectorItself(@TempDir Path tmp) throws Exception {
        Path jre = ScenarioJvm.minimalJre();
        Path bin = ScenarioJvm.toolsOnly(tmp);
        try (ScenarioJvm jvm = ScenarioJvm.start(jre, "deadlock-monitors", List.of())) {
            Collector.Result r = new Collector(new LocalTransport(Map.of("PATH", bin.toString())))
                    .collect(jvm.pid(), CollectionPlan.defaults());
            assertThat(r.via()).isEqualTo("in-process attach to pid " + jvm.pid() + " (jcmd's protocol, no jcmd process)");
            JvmSnapshot s = r.snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks().get(0).threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B");
            assertThat(s.lastHistogram().rows()).isNotEmpty();
            assertThat(s.heap()).isNotNull();
            assertThat(s.perfCounters()).as("read from the JVM's hsperfdata file").hasSize(1);
        }
    }

    @Test
    void noJcmdWhereTheJvmRunsNamesJattachAsTheWayOut(@TempDir Path tmp) throws Exception {
        Path jre = ScenarioJvm.minimalJre();
        Path bin = ScenarioJvm.toolsOnly(tmp);
        try (ScenarioJvm jvm = ScenarioJvm.start(jre, "idle", List.of())) {
            Collector withoutJdk = new Collector(new Elsewhere(new LocalTransport(Map.of("PATH", bin.toString()))));
            assertThatThrownBy(() -> withoutJdk.collect(jvm.pid(), CollectionPlan.defaults()))
                    .hasMessageStartingWith("jcmd is not installed on local (the JVM at " + jre.resolve("bin/java")
                            + " is a JRE, and no jcmd is on the PATH).")
                    .hasMessageContaining("jattach")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.COMMAND_NOT_FOUND);
        }
    }

    @Test
    void withoutJcmdButWithJattachEveryCommandIsAnsweredAndTheReportSaysHow(@TempDir Path tmp) throws Exception {
        Path jattach = Path.of("/usr/bin/jattach");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jattach), "needs jattach (Debian package jattach)");
        Path jre = ScenarioJvm.minimalJre();
        Path bin = ScenarioJvm.toolsOnly(tmp, "jattach");
        try (ScenarioJvm jvm = ScenarioJvm.start(jre, "deadlock-locks", List.of())) {
            Collector.Result r = new Collector(new Elsewhere(new LocalTransport(Map.of("PATH", bin.toString()))))
                    .collect(jvm.pid(), CollectionPlan.defaults());
            JvmSnapshot s = r.snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks().get(0).threadNames())
                    .containsExactlyInAnyOrder("lock-deadlock-A", "lock-deadlock-B");
            assertThat(s.lastHistogram().rows()).isNotEmpty();
            assertThat(s.heap()).isNotNull();
            assertThat(s.jvm().featureVersion()).isEqualTo(Runtime.version().feature());
            assertThat(s.flags().gc()).isNotNull();
            assertThat(r.notes()).containsExactly("jcmd is not installed on local (the JVM at " + jre.resolve("bin/java")
                    + " has no jcmd beside it and none is on the PATH), so Sage attached with jattach at " + bin.resolve("jattach")
                    + ", one attach per command");
        }
    }

    @Test
    void aJcmdThatHangsIsKilledAtTheDeadline() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            signal("STOP", jvm.pid()); // a JVM frozen in a pause cannot answer the attach
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> new Collector(new Elsewhere(new LocalTransport()))
                        .collect(jvm.pid(), CollectionPlan.defaults().withTimeout(Duration.ofSeconds(2))))
                        .hasMessageEndingWith("did not finish within 2 s and was stopped")
                        .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.TIMEOUT);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

                long inProcess = System.nanoTime();
                assertThatThrownBy(() -> collector.collect(jvm.pid(), CollectionPlan.defaults().withTimeout(Duration.ofSeconds(2))))
                        .hasMessage("pid " + jvm.pid() + " did not start its attach listener within 2 s (a JVM paused, or stopped?)")
                        .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.TIMEOUT);
                assertThat(Duration.ofNanos(System.nanoTime() - inProcess)).isLessThan(Duration.ofSeconds(5));
            } finally {
                signal("CONT", jvm.pid());
            }
        }
    }

    @Test
    void aJvmThatDiesBetweenRoundsKeepsTheRoundsBefore() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(Path.of(System.getProperty("java.home")), "idle", List.of(),
                "--exit-after-ms", "1500")) {
            JvmSnapshot s = collector.collect(jvm.pid(),
                    CollectionPlan.defaults().withoutHistogram().withRounds(2, Duration.ofMillis(2500))).snapshot();
            assertThat(s.threadDumps()).hasSize(1);
            assertThat(s.problems()).extracting(p -> p.source() + ": " + p.message())
                    .containsExactly("round 2: stopped: no process with pid " + jvm.pid() + " on local; kept the 1 earlier round(s)");
        }
    }

    /** This machine reached as if it were another (an SSH host, a pod): Sage cannot open the JVM's socket itself. */
    record Elsewhere(Transport inner) implements Transport {
        @Override
        public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
            return inner.exec(argv, stdin, timeout, outputCap);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    /** A transport whose commands run as another user, as Sage would when started by that user. */
    record RunAs(Transport inner, long uid) implements Transport {
        @Override
        public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
            List<String> as = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
            as.addAll(argv);
            return inner.exec(as, stdin, timeout, outputCap);
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    private static void signal(String sig, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    private static String scenarioClasspath() throws Exception {
        return Path.of(dev.sage.scenarios.Scenario.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** A JRE with java.base only and no jcmd, built once with jlink under target/. */
}
