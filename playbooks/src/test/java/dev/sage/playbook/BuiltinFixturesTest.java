package dev.sage.playbook;

import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.Severity;
import dev.sage.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every built-in playbook fires on its "fires" captures and stays quiet on its "quiet" ones. */
class BuiltinFixturesTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path CORPUS = Path.of(System.getProperty("sage.corpus", "../../shared/corpus")).toAbsolutePath().normalize();
    static final List<Playbook> BUILTINS = PlaybookLoader.builtins().playbooks();

    /** The cases of {@code builtin-fixtures/INDEX}; a case on the shared corpus is null when the corpus is absent. */
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/builtin-fixtures/INDEX"), StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+", 3);
            String where = f[2];
            List<Path> files = new ArrayList<>();
            boolean available = true;
            if (where.startsWith("corpus:") || where.startsWith("corpus-pair:")) {
                for (String part : where.substring(where.indexOf(':') + 1).split(",")) {
                    Path p = CORPUS.resolve(part);
                    available &= Files.exists(p);
                    files.add(p);
                }
            } else {
                files.addAll(Fixtures.filesOf(REPO.resolve(where)));
            }
            Fixtures.Case c = new Fixtures.Case(f[0], f[1].equals("fires"), where, files);
            out.add(Arguments.of(f[0] + " " + f[1] + " " + where, available ? c : null));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void builtinPlaybookFiresOnlyWhereItShould(String name, Fixtures.Case c) {
        assumeTrue(c != null, "shared corpus absent: " + CORPUS);
        Fixtures.Outcome o = Fixtures.run(BUILTINS, c);
        assertThat(o.problem()).isNull();
        assertThat(o.fired()).as("%s should %s; it said %s", name, c.mustFire() ? "fire" : "stay quiet", o.said())
                .isEqualTo(c.mustFire());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theExplanationAgreesWithTheEngineAndNamesWhatStoppedIt(String name, Fixtures.Case c) throws IOException {
        assumeTrue(c != null, "shared corpus absent: " + CORPUS);
        Playbook p = BUILTINS.stream().filter(x -> x.id().equals(c.playbookId())).findFirst().orElseThrow();
        dev.sage.engine.Explainer.Explanation e = dev.sage.engine.Explainer.explain(p, Fixtures.snapshot(c.files()));
        assertThat(e.fires()).as(name + ": " + e.steps()).isEqualTo(Fixtures.run(BUILTINS, c).fired());
        assertThat(e.firstStop().isPresent()).as("a playbook that does not fire says where it stopped").isEqualTo(!e.fires());
    }

    @Test
    void everyBuiltinPlaybookHasCasesOnWhichItFiresAndStaysQuiet() throws IOException {
        List<Fixtures.Case> all = cases().map(a -> (Fixtures.Case) a.get()[1]).filter(java.util.Objects::nonNull).toList();
        assumeTrue(Files.isDirectory(CORPUS.resolve("public")), "shared corpus absent");
        for (Playbook p : BUILTINS) {
            assertThat(all).as(p.id() + " fires").anyMatch(c -> c.playbookId().equals(p.id()) && c.mustFire());
            assertThat(all).as(p.id() + " quiet").anyMatch(c -> c.playbookId().equals(p.id()) && !c.mustFire());
        }
    }

    @Test
    void theBuiltinCatalogueLoadsWithoutError() {
        PlaybookLoader.Loaded loaded = PlaybookLoader.builtins();
        assertThat(loaded.errors()).isEmpty();
        // one playbook for every finding id of the design's vocabulary
        assertThat(loaded.playbooks()).extracting(Playbook::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("deadlock", "lock-contention", "thread-leak", "timer-leak",
                        "scheduled-task-buildup", "blocking-io-without-timeout", "latch-wait-forever", "cpu-spin",
                        "pool-exhaustion", "finalizer-backlog", "cache-growth", "classloader-leak", "heap-pressure",
                        "direct-memory-growth", "native-memory-gap", "memory-not-returned", "container-limit-risk",
                        "nmt-disabled");
    }

    /** Ordinary dumps of healthy services: a finding above info there would be a false alarm at 3 a.m. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("healthy")
    void aHealthyJvmGetsNothingAboveInfo(String name, Path... files) throws IOException {
        for (Path f : files) {
            assumeTrue(Files.exists(f), "absent: " + f);
        }
        Engine.Result r = new Engine(BUILTINS).run(Fixtures.snapshot(List.of(files)));
        assertThat(r.findings()).filteredOn(f -> f.severity() != Severity.INFO).extracting(Finding::title).isEmpty();
    }

    static Stream<Arguments> healthy() {
        List<Arguments> out = new ArrayList<>();
        for (String f : List.of("tda-jdk11-server.txt", "tdvisualizer-jdk8-jstack.txt", "wilkinsona-springboot-jdk17-jcmd.txt",
                "r2dbc-reproducer-jdk13.txt", "sjk-hazelcast-jdk8-windows.txt", "famaridon-jboss-jdk7-156-threads.txt",
                "tda-jdk8-tda-gui.txt", "tda-jdk21-macos-jstack.txt", "jthreaddump-jdk25-socket-io.txt",
                "jstackanalyzer-jdk21-windows-utf16.txt", "jthreaddump-jdk25-virtual-thread-deadlock.txt",
                // not tda-hpux-jdk5-2dumps.txt: 8 job threads sit in the same socket read in both of its dumps,
                // which blocking-io-without-timeout rightly reports
                "tda-visualvm-remote-format.txt", "tda-jdk6-mbean-format-3dumps.txt",
                "tda-jdk21-thread-dump-to-file.json")) {
            out.add(Arguments.of("corpus " + f, new Path[] {CORPUS.resolve("public").resolve(f)}));
        }
        out.add(Arguments.of("a healthy service in a roomy container", files("playbooks/src/test/resources/captures/container-roomy-jdk17")));
        out.add(Arguments.of("idle pools and two blocked threads, JDK 17",
                new Path[] {REPO.resolve("collectors/src/test/resources/captures/jdk17/thread-print-l.txt")}));
        out.add(Arguments.of("idle pools and two blocked threads, JDK 25",
                new Path[] {REPO.resolve("collectors/src/test/resources/captures/jdk25/thread-print-l.txt")}));
        return out.stream();
    }

    private static Path[] files(String dir) {
        try {
            return Fixtures.filesOf(REPO.resolve(dir)).toArray(new Path[0]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
