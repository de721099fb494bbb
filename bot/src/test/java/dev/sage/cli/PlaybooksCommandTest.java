package dev.sage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sage playbooks ...} and {@code --playbooks DIR}, run as an SRE team would. */
class PlaybooksCommandTest {
    static final String EXAMPLE = Path.of("..", "playbooks", "examples", "team-playbooks").toString();

    @Test
    void validateAndTestTheWorkedExample() throws Exception {
        SageProcess.Run v = SageProcess.run(null, "playbooks", "validate", EXAMPLE);
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains("ok        acme-executor-per-request").contains("disables  nmt-disabled");
        SageProcess.Run t = SageProcess.run(null, "playbooks", "test", EXAMPLE);
        assertThat(t.exit()).as(t.out()).isZero();
        assertThat(t.out()).contains("PASS  acme-executor-per-request fires").contains("PASS  acme-executor-per-request stays quiet")
                .contains("2 passed, 0 failed");
    }

    @Test
    void aBrokenTeamFileIsRefusedWithItsLineAndTheRestStillWork(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slow.yaml"), "id: acme-slow\ntitle: slow\nseverity: sometimes\nwhen:\n"
                + "  - heap_used_fraction: {min: 0.5}\nevidence: [\"{{percent}}%\"]\n");
        SageProcess.Run v = SageProcess.run(null, "playbooks", "validate", dir.toString());
        assertThat(v.exit()).isEqualTo(1);
        assertThat(v.err()).contains("refused: " + dir.resolve("slow.yaml") + ":3: severity: 'sometimes' is not a severity");

        SageProcess.Run a = SageProcess.run(null, "analyze", "--sample", "--playbooks", dir.toString());
        assertThat(a.exit()).isZero();
        assertThat(a.out()).contains("(thread-leak)").contains("playbook refused: " + dir.resolve("slow.yaml") + ":3:");
    }

    @Test
    void aRunawayExpressionIsReportedByValidateWithItsCost(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("runaway.yaml"), """
                id: acme-runaway
                title: copies
                severity: warning
                expr: ["threads.exists(a, threads.exists(b, a.name == b.name + '-copy'))"]
                evidence: ["copies"]
                """);
        Files.writeString(dir.resolve("cheap.yaml"), """
                id: acme-cheap
                title: pools
                severity: warning
                expr: ["threads.filter(t, t.name.startsWith('pool-')).size() > 100"]
                evidence: ["pools"]
                """);
        SageProcess.Run v = SageProcess.run(null, "playbooks", "validate", dir.toString());
        assertThat(v.exit()).isEqualTo(1);
        assertThat(v.out()).containsPattern("too costly acme-runaway .*stopped after [\\d,]+ steps, \\d+ MiB and \\d+ ms: over the budget")
                .containsPattern("ok        acme-cheap .*steps, \\d+ ms on a 5,000-thread JVM");
    }

    @Test
    void aTeamFileThatReplacesABuiltInIsNamedInTheReport(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("leak.yaml"), """
                id: thread-leak
                title: our own leak rule
                severity: info
                when:
                  - thread_pile_up: {min_per_call: 1000}
                evidence: ["{{family}}"]
                """);
        SageProcess.Run a = SageProcess.run(null, "analyze", "--sample", "--playbooks", dir.toString());
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).contains("playbook thread-leak: the built-in is replaced by " + dir.resolve("leak.yaml"));
    }

    @Test
    void aFailingFixtureFailsTheTest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("p.yaml"), "id: acme-heap\ntitle: heap\nseverity: warning\nwhen:\n"
                + "  - heap_used_fraction: {min: 0.99}\nevidence: [\"{{percent}}%\"]\n");
        Path fires = Files.createDirectories(dir.resolve("acme-heap/fires"));
        Files.writeString(fires.resolve("heap.txt"), "1:\n garbage-first heap   total 131072K, used 8188K [0x0, 0x8000000)\n");
        SageProcess.Run t = SageProcess.run(null, "playbooks", "test", dir.toString());
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.out()).contains("FAIL  acme-heap fires: acme-heap/fires/heap.txt").contains("0 passed, 1 failed");
    }

    @Test
    void aTeamPlaybookFiresInAnalyze() throws Exception {
        Path fixture = Path.of(EXAMPLE, "acme-executor-per-request", "fires", "two-dumps-of-a-leaking-service");
        SageProcess.Run a = SageProcess.run(null, "analyze", fixture.toString(), "--playbooks", EXAMPLE);
        assertThat(a.exit()).isZero();
        assertThat(a.out()).contains("[critical] Executor built per request").contains("(acme-executor-per-request)");
    }

    @Test
    void listShowsPlaybooksAndChecks() throws Exception {
        SageProcess.Run l = SageProcess.run(null, "playbooks", "list");
        assertThat(l.exit()).isZero();
        assertThat(l.out()).contains("deadlock", "critical", "threads_waiting_on_same_lock", "min (a whole number, default 5)");
    }
}
