package dev.sage.collect;

import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.transport.CollectionException;
import dev.sage.transport.CountingTransport;
import dev.sage.transport.LocalTransport;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmDiscoveryTest {
    private final JvmDiscovery discovery = new JvmDiscovery(new LocalTransport(), ProcessHandle.current().pid());

    @Test
    void jcmdListLinesKeepTheMainClassOnlyAndDropJcmdItself() {
        assertThat(JvmDiscovery.parseJcmdList("2402 Target --password hunter2\n2597 jdk.jcmd/sun.tools.jcmd.JCmd -l\n"
                + "2405 /opt/app/app.jar\n\nnot a line\n"))
                .containsExactly(new JvmProcess(2402, "Target"), new JvmProcess(2405, "/opt/app/app.jar"));
    }

    @Test
    void theMainClassOfACommandLine() {
        assertThat(JvmDiscovery.mainClassOf("java -Xmx1g -cp a.jar:b.jar com.example.Main --port 8080")).isEqualTo("com.example.Main");
        assertThat(JvmDiscovery.mainClassOf("/usr/bin/java -XX:+UseG1GC -jar /app/service.jar")).isEqualTo("/app/service.jar");
        assertThat(JvmDiscovery.mainClassOf("java -m com.example/com.example.Main")).isEqualTo("com.example/com.example.Main");
    }

    @Test
    void aJvmWithoutPerfDataIsFoundByTheProcScan() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle", "-XX:-UsePerfData")) {
            assertThat(discovery.list()).extracting(JvmProcess::pid).contains(jvm.pid());
            assertThat(discovery.select(Optional.empty(), Optional.of("dev.sage.scenarios.Scenario")).pid()).isEqualTo(jvm.pid());
        }
    }

    @Test
    void oneExecFindsTheJvmWithItsFactsAndOneMoreCollectsFromIt() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            CountingTransport counted = new CountingTransport(new LocalTransport());
            JvmProcess found = new JvmDiscovery(counted, ProcessHandle.current().pid())
                    .select(Optional.empty(), Optional.of("dev.sage.scenarios.Scenario"));
            assertThat(found.pid()).isEqualTo(jvm.pid());
            assertThat(found.facts().status().name()).isEqualTo("java");
            assertThat(found.facts().jvm()).isEqualTo("yes");

            JvmSnapshot s = new Collector(counted).collect(found, CollectionPlan.defaults()).snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.process().pid()).isEqualTo(jvm.pid());
            assertThat(s.lastThreadDump().threads()).hasSizeGreaterThan(10);
            assertThat(s.lastHistogram()).isNotNull();
            assertThat(counted.programs()).as("execs of a one-round diagnosis").hasSize(2);
        }
    }

    @Test
    void aPidAskedForIsLookedAtAloneWithItsMainClassAndFacts() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle"); ScenarioJvm other = ScenarioJvm.start("idle")) {
            CountingTransport counted = new CountingTransport(new LocalTransport());
            JvmProcess found = new JvmDiscovery(counted, ProcessHandle.current().pid())
                    .select(Optional.of(jvm.pid()), Optional.empty());
            assertThat(found.pid()).isEqualTo(jvm.pid());
            assertThat(found.mainClass()).isEqualTo("dev.sage.scenarios.Scenario");
            assertThat(found.facts().jvm()).isEqualTo("yes");
            assertThat(counted.argvs()).as("one exec, for that process only").singleElement()
                    .satisfies(argv -> assertThat(argv).endsWith("/proc/" + jvm.pid()));

            // a pid that is no JVM is left for the collection to refuse, without asking jcmd -l
            CountingTransport none = new CountingTransport(new LocalTransport());
            JvmProcess gone = new JvmDiscovery(none, ProcessHandle.current().pid()).select(Optional.of(999_999_999L),
                    Optional.empty());
            assertThat(gone.facts()).isNull();
            assertThat(none.programs()).hasSize(1);
        }
    }

    @Test
    void aCommandLineCannotForgeAnotherProcessInTheSurvey() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle", "-Dforged=\n==> process 1 <==\n==> gone <==\n")) {
            JvmProcess found = discovery.list().stream().filter(j -> j.pid() == jvm.pid()).findFirst().orElseThrow();
            assertThat(found.facts().status().pid()).isEqualTo(jvm.pid());
            assertThat(found.facts().jvm()).isEqualTo("yes");
            assertThat(found.facts().status().name()).isEqualTo("java");
        }
    }

    @Test
    void factsWithARepeatedPartAreNotTrusted() {
        String forged = "==> me <==\n0\n==> status <==\nName:\tjava\nPid:\t42\nUid:\t0\t0\t0\t0\nSigCgt:\t0000000000000004\n"
                + "==> jvm <==\nyes\n==> exe <==\n/opt/a\n==> jattach <==\n/tmp/evil\n==> jattach <==\n\n";
        ProcessFacts facts = ProcessFacts.parse(forged);
        assertThat(facts.status().pid()).isEqualTo(42);
        assertThat(facts.jvm()).isEqualTo("unknown");
        assertThat(facts.jattach()).isEmpty();
    }

    @Test
    void aJvmThatExitsWhileTheSurveyReadsItIsLeftOutAndTheOthersAreKept() {
        // the listing saw pid 43, which exited before its status was read: an empty status part
        String survey = "==> me <==\n0\n"
                + "==> process 42 <==\njava -cp app.jar Main\n==> status <==\nName:\tjava\nPid:\t42\nUid:\t0\t0\t0\t0\n"
                + "SigCgt:\t0000000000000004\n==> jvm <==\nyes\n"
                + "==> process 43 <==\njava -jar gone.jar\n==> status <==\n==> jvm <==\nyes\n";
        assertThat(ProcessFacts.parseSurvey(survey)).extracting(ProcessFacts.Surveyed::pid).containsExactly(42L);
    }

    @Test
    void severalJvmsAreRefusedWithTheirList() throws Exception {
        try (ScenarioJvm a = ScenarioJvm.start("idle"); ScenarioJvm b = ScenarioJvm.start("healthy")) {
            assertThatThrownBy(() -> discovery.select(Optional.empty(), Optional.of("dev.sage.scenarios")))
                    .isInstanceOf(CollectionException.class)
                    .hasMessageStartingWith("2 JVMs run on local with a main class matching 'dev.sage.scenarios'; say which"
                            + " with its pid or main class: ")
                    .hasMessageContaining(a.pid() + " dev.sage.scenarios.Scenario")
                    .hasMessageContaining(b.pid() + " dev.sage.scenarios.Scenario");
            assertThatThrownBy(() -> discovery.select(Optional.empty(), Optional.of("NoSuchService")))
                    .hasMessageStartingWith("no JVM on local has a main class matching 'NoSuchService'; running: ");
        }
    }
}
