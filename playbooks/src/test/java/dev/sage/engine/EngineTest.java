package dev.sage.engine;

import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.Severity;
import dev.sage.parse.SnapshotReader;
import dev.sage.playbook.Fixtures;
import dev.sage.playbook.Playbook;
import dev.sage.playbook.PlaybookLoader;
import dev.sage.snapshot.JvmSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EngineTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private static JvmSnapshot read(String dir) throws Exception {
        SnapshotReader r = new SnapshotReader(dir);
        for (Path f : Fixtures.filesOf(REPO.resolve(dir))) {
            r.add(f.toString(), Files.readAllBytes(f));
        }
        return r.snapshot();
    }

    @Test
    void findingsAreRankedBySeverityThenStrengthAndMissingCapturesAreSaid() throws Exception {
        JvmSnapshot s = read("bot/src/main/resources/samples/leaky-service");
        Engine.Result r = new Engine(PlaybookLoader.builtins().playbooks()).run(s);
        // both warnings: 120 leaked pool threads rank above 30 timer threads
        assertThat(r.findings()).extracting(Finding::id).containsExactly("thread-leak", "timer-leak");
        assertThat(r.notEvaluated()).extracting(n -> n.what())
                .containsExactly("container-limit-risk: needs a container memory limit (cgroup files)");
    }

    @Test
    void aTeamExpressionFiresOverTheFactModel(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pools.yaml"), """
                id: acme-pools
                title: "per-call pools"
                severity: critical
                requires: [two_thread_dumps]
                expr:
                  - "threads.filter(t, t.name.startsWith('pool-') && t.top_frame == 'jdk.internal.misc.Unsafe.park').size() >= 100"
                  - "thread_counts[size(thread_counts) - 1] > thread_counts[0]"
                evidence: ["pools keep coming"]
                fixes:
                  - text: "G1 only advice"
                    applies_to: {gc: [ZGC]}
                """);
        List<Playbook> team = PlaybookLoader.directory(dir).playbooks();
        Engine engine = new Engine(team);
        Engine.Result leaking = engine.run(read("playbooks/examples/team-playbooks/acme-executor-per-request/fires/two-dumps-of-a-leaking-service"));
        assertThat(leaking.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.fixes()).as("a ZGC-only fix is not offered when the collector is unknown").isEmpty();
        });
        Engine.Result healthy = engine.run(read("playbooks/examples/team-playbooks/acme-executor-per-request/quiet/healthy-service"));
        assertThat(healthy.findings()).isEmpty();
        assertThat(healthy.notEvaluated()).singleElement().satisfies(n -> {
            assertThat(n.what()).contains("two thread dumps");
            assertThat(n.remedies()).as("a second round would let it judge").containsExactly(dev.sage.collect.Remedy.MORE_ROUNDS);
        });
    }

    @Test
    void fixesForAnotherCollectorOrJdkAreNotOffered() throws Exception {
        JvmSnapshot g1 = read("playbooks/src/test/resources/captures/heap-released");
        Finding f = new Engine(PlaybookLoader.builtins().playbooks()).run(g1).findings().stream()
                .filter(x -> x.id().equals("memory-not-returned")).findFirst().orElseThrow();
        assertThat(f.fixes()).anyMatch(x -> x.contains("G1PeriodicGCInterval"))
                .noneMatch(x -> x.contains("ZUncommitDelay")).noneMatch(x -> x.contains("ShenandoahUncommitDelay"));
        assertThat(f.evidence()).singleElement().asString().contains("-Xms equals -Xmx, so the heap can never shrink");
    }

    @Test
    void whatCouldNotBeJudgedIsListedInTheSameOrderEveryRun() throws Exception {
        SnapshotReader r = new SnapshotReader("t");
        r.add("dump", Files.readAllBytes(REPO.resolve("bot/src/main/resources/samples/leaky-service/01-thread-print.txt")));
        Engine.Result result = new Engine(PlaybookLoader.builtins().playbooks()).run(r.snapshot());
        // the requirements of a check are a set: they are listed in their declaration order, not the set's
        assertThat(result.notEvaluated()).extracting(n -> n.what()).anySatisfy(w -> assertThat(w)
                .contains("needs native memory tracking (start the JVM with -XX:NativeMemoryTracking=summary) and the"
                        + " process's memory"));
    }

    @Test
    void aRunawayTeamExpressionIsStoppedAndTheOtherPlaybooksStillJudge(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("runaway.yaml"), """
                id: acme-runaway
                title: copies
                severity: warning
                expr: ["threads.exists(a, threads.exists(b, a.name == b.name + '-copy'))"]
                evidence: ["copies"]
                """);
        Files.writeString(dir.resolve("huge.yaml"), """
                id: acme-huge
                title: pairs
                severity: warning
                expr: ["threads.map(a, threads.map(b, a.name + b.name)).size() > 0"]
                evidence: ["pairs"]
                """);
        List<Playbook> all = new java.util.ArrayList<>(PlaybookLoader.builtins().playbooks());
        all.addAll(PlaybookLoader.directory(dir).playbooks());
        JvmSnapshot large = dev.sage.playbook.Costs.large();
        long t0 = System.nanoTime();
        Engine.Result r = new Engine(all).run(large);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.notEvaluated()).extracting(n -> n.what())
                .anySatisfy(w -> assertThat(w).startsWith("acme-runaway: needs its expressions to finish: they were stopped after"))
                .anySatisfy(w -> assertThat(w).startsWith("acme-huge: needs its expressions to finish: they were stopped after"));
        assertThat(r.findings()).extracting(Finding::id).as("the built-ins still judge").contains("timer-leak");
        assertThat(millis).as("two runaways, each stopped within its budget").isLessThan(10_000);
    }

    @Test
    void aBusyLoopSeenOnAnotherLineOfTheSameMethodIsStillASpin() {
        String dump = "2026-01-01 10:00:%s\nFull thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n\n"
                + "\"spinner\" #12 prio=5 os_prio=0 cpu=%s elapsed=%s tid=0x00007f0000000001 nid=0x10 runnable  [0x0]\n"
                + "   java.lang.Thread.State: RUNNABLE\n"
                + "\tat com.example.Poller.poll(Poller.java:%d)\n"
                + "\tat com.example.Poller.run(Poller.java:20)\n"
                + "\tat java.lang.Thread.run(java.base@17/Thread.java:840)\n\n"
                + "JNI global refs: 1, weak refs: 0\n";
        SnapshotReader r = new SnapshotReader("t");
        r.add("1", String.format(dump, "00", "1000.00ms", "10.00s", 41));
        r.add("2", String.format(dump, "10", "10900.00ms", "20.00s", 44));
        Engine.Result result = new Engine(PlaybookLoader.builtins().playbooks()).run(r.snapshot());
        assertThat(result.findings()).extracting(Finding::id).contains("cpu-spin");
    }
}
