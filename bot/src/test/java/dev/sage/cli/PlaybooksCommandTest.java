package dev.sage.cli;

import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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

    @Test
    void aNewPlaybookLoadsAsWrittenAndNothingIsOverwritten(@TempDir Path dir) throws Exception {
        Path team = dir.resolve("team");
        SageProcess.Run n = SageProcess.run(null, "playbooks", "new", "acme-slow-client", "--dir", team.toString());
        assertThat(n.exit()).as(n.err()).isZero();
        assertThat(n.out()).contains("wrote " + team.resolve("acme-slow-client.yaml"))
                .contains("sage playbooks capture TARGET " + team.resolve("acme-slow-client/fires/NAME"));
        assertThat(team.resolve("acme-slow-client/fires")).isEmptyDirectory();
        assertThat(team.resolve("acme-slow-client/quiet")).isEmptyDirectory();
        SageProcess.Run v = SageProcess.run(null, "playbooks", "validate", team.toString());
        assertThat(v.exit()).as(v.err()).isZero();
        assertThat(v.out()).contains("ok        acme-slow-client");

        SageProcess.Run again = SageProcess.run(null, "playbooks", "new", "acme-slow-client", "--dir", team.toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("exists already; Sage does not overwrite a playbook");
        SageProcess.Run bad = SageProcess.run(null, "playbooks", "new", "Acme_Slow", "--dir", team.toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'Acme_Slow' is not a playbook id");
        SageProcess.Run unknown = SageProcess.run(null, "playbooks", "new", "acme-x", "--from", "no-such-thing",
                "--dir", team.toString());
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("there is no built-in playbook 'no-such-thing'");
        assertThat(team.resolve("acme-x.yaml")).doesNotExist();
    }

    @Test
    void tonightsIncidentBecomesTomorrowsFixture(@TempDir Path dir) throws Exception {
        Path team = dir.resolve("team");
        SageProcess.Run n = SageProcess.run(null, "playbooks", "new", "acme-pool-per-call", "--from", "thread-leak",
                "--dir", team.toString());
        assertThat(n.exit()).as(n.err()).isZero();
        assertThat(Files.readString(team.resolve("acme-pool-per-call.yaml")))
                .startsWith("# Started from the built-in thread-leak").contains("\nid: acme-pool-per-call\n");
        Path fires = team.resolve("acme-pool-per-call/fires/leaking-service");
        Path quiet = team.resolve("acme-pool-per-call/quiet/healthy-service");
        try (ScenarioJvm leaking = ScenarioJvm.start("thread-leak"); ScenarioJvm healthy = ScenarioJvm.start("healthy")) {
            SageProcess.Run c = SageProcess.run(null, "playbooks", "capture", "local:" + leaking.pid(), fires.toString(),
                    "--interval", "2s");
            assertThat(c.exit()).as(c.err()).isZero();
            assertThat(c.out()).containsPattern("wrote \\d+ captures of pid " + leaking.pid())
                    .contains("the playbooks in force found: thread-leak");
            try (Stream<Path> files = Files.list(fires)) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .contains("03-round-1-thread-print.txt").anyMatch(f -> f.endsWith("-round-2-thread-print.txt"));
            }
            SageProcess.Run q = SageProcess.run(null, "playbooks", "capture", "local:" + healthy.pid(), quiet.toString(),
                    "--interval", "2s");
            assertThat(q.exit()).as(q.err()).isZero();
            SageProcess.Run full = SageProcess.run(null, "playbooks", "capture", "local:" + healthy.pid(), quiet.toString());
            assertThat(full.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(full.err()).contains("is not empty");
        }

        SageProcess.Run t = SageProcess.run(null, "playbooks", "test", team.toString());
        assertThat(t.exit()).as(t.out()).isZero();
        assertThat(t.out()).contains("PASS  acme-pool-per-call fires: acme-pool-per-call/fires/leaking-service")
                .contains("PASS  acme-pool-per-call stays quiet: acme-pool-per-call/quiet/healthy-service")
                .contains("2 passed, 0 failed");

        // why it does not fire on the healthy service: the check that stopped it, and what was there
        SageProcess.Run why = SageProcess.run(null, "playbooks", "explain", "acme-pool-per-call", quiet.toString(),
                "--playbooks", team.toString());
        assertThat(why.exit()).as(why.err()).isEqualTo(1);
        assertThat(why.out()).startsWith("acme-pool-per-call (" + team.resolve("acme-pool-per-call.yaml")
                        + "): does not fire, stopped at when[0] thread_pile_up {")
                .contains("[ok]   requires thread_dump: holds")
                .containsPattern("\\[no] {3}when\\[0] thread_pile_up \\{min_growth: 20, min_per_call: 30, min_per_object: 100}: does not hold")
                .contains("what is there (every min… at its lowest):");
        SageProcess.Run fired = SageProcess.run(null, "playbooks", "explain", "acme-pool-per-call", fires.toString(),
                "--playbooks", team.toString());
        assertThat(fired.exit()).as(fired.err()).isZero();
        assertThat(fired.out()).contains("): fires\n").contains("saw:").contains("family = pool-*-thread-1");

        // one dump cannot show a spin: what is missing, and how to get it
        SageProcess.Run one = SageProcess.run(null, "playbooks", "explain", "cpu-spin", fires.resolve("03-round-1-thread-print.txt").toString());
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.out()).contains("cpu-spin (builtin/cpu-spin.yaml): not evaluated, at ")
                .contains("[?]").contains("needs two thread dumps").contains("to get it: ");

        SageProcess.Run none = SageProcess.run(null, "playbooks", "explain", "acme-pool", fires.toString(), "--playbooks", team.toString());
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("no playbook 'acme-pool' is loaded; close: acme-pool-per-call");
    }
}
