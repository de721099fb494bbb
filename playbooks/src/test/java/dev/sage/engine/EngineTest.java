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
}
