package dev.sage.cli;

import dev.sage.kube.FakeApiServer;
import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The distribution as a user installs it: {@code sage-VERSION.tar.gz} unpacked into a directory with a space in its
 * path, run through {@code bin/sage} with and without {@code JAVA_HOME}, through a link, on Java 17 and on 25.
 */
class LauncherIT {
    private static final Path JAVA17 = Path.of(System.getProperty("java.home"));

    @TempDir
    Path tmp;
    private Path home;
    private Path launcher;

    /** What one run printed. */
    record Run(int exit, String out, String err) {}

    @BeforeEach
    void unpack() throws Exception {
        Path archive;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            archive = files.filter(p -> p.getFileName().toString().matches("sage-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("mvn package writes target/sage-VERSION.tar.gz"));
        }
        Path into = Files.createDirectories(tmp.resolve("opt dir"));
        assertThat(new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", into.toString())
                .inheritIO().start().waitFor()).isZero();
        try (Stream<Path> dirs = Files.list(into)) {
            home = dirs.findFirst().orElseThrow();
        }
        launcher = home.resolve("bin/sage");
    }

    private Run run(Path script, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        Map<String, String> e = pb.environment();
        e.remove("JAVA_HOME");
        e.remove("JAVA_OPTS");
        e.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        // without JAVA_HOME, the java on the PATH: Java 17's first
        e.put("PATH", JAVA17.resolve("bin") + ":/usr/bin:/bin");
        env.forEach((k, v) -> {
            if (v == null) {
                e.remove(k);
            } else {
                e.put(k, v);
            }
        });
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("sage finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("lib"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    @Test
    void unpackedAnywhereItRunsWithJavaHomeWithoutItAndThroughALink() throws Exception {
        Run withHome = run(launcher, Map.of("JAVA_HOME", JAVA17.toString()), "--version");
        assertThat(withHome.exit()).as(withHome.err()).isZero();
        assertThat(withHome.out()).containsPattern("^sage \\S+ \\((git [0-9a-f]{10}(-dirty)?|not built from git)\\)\\n")
                .contains("Java 17");

        Run onPath = run(launcher, Map.of(), "analyze", "--sample");
        assertThat(onPath.exit()).as(onPath.err()).isZero();
        assertThat(onPath.out()).contains("Findings:");

        Path bin = Files.createDirectories(tmp.resolve("bin dir"));
        Path link = Files.createSymbolicLink(bin.resolve("sage"), launcher);
        Run linked = run(link, Map.of(), "--version");
        assertThat(linked.exit()).as(linked.err()).isZero();
        assertThat(linked.out()).startsWith("sage ");

        // called by a relative path, with a CDPATH that would send the launcher's cd elsewhere
        Run relative = run(tmp.relativize(launcher), Map.of("CDPATH", "/usr"), "--version");
        assertThat(relative.exit()).as(relative.err()).isZero();
        assertThat(relative.out()).startsWith("sage ");

        Run wrongHome = run(launcher, Map.of("JAVA_HOME", tmp.resolve("no jdk").toString()), "--version");
        assertThat(wrongHome.exit()).isEqualTo(1);
        assertThat(wrongHome.err()).contains("which has no bin/java");
    }

    @Test
    void theStartUpArchiveIsRecordedOnceForAJdkAndUsedAfter() throws Exception {
        assertThat(archives()).isEmpty();
        // what a script reads stays clean while the archive is made: it says so on stderr only
        Run first = run(launcher, Map.of(), "analyze", "--sample", "--format", "json");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("preparing a start-up archive for Java 17");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(first.out()).path("findings").isArray()).isTrue();
        assertThat(archives()).hasSize(1);

        // -Xshare:on makes an archive that cannot be used an error instead of a quiet fallback
        Run second = run(launcher, Map.of("JAVA_OPTS", "-Xshare:on"), "analyze", "--sample");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("preparing");
        assertThat(archives()).hasSize(1);

        Run off = run(launcher, Map.of("SAGE_CDS", "off"), "--version");
        assertThat(off.exit()).isZero();
        assertThat(archives()).hasSize(1);

        // a jar replaced (here: touched) gets an archive of its own, and the old one is removed, not given to the JVM
        Path old = archives().get(0);
        Path jar = home.resolve("lib/sage.jar");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Run replaced = run(launcher, Map.of("JAVA_OPTS", "-Xshare:on"), "analyze", "--sample", "--format", "json");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.err()).contains("preparing");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(replaced.out()).isObject()).isTrue();
        assertThat(archives()).hasSize(1).doesNotContain(old);
    }

    @Test
    void anotherJdkNeverGetsAnArchiveItCannotUse() throws Exception {
        assumeTrue(Files.isExecutable(ScenarioJvm.JDK25.resolve("bin/java")), "a JDK 25 at " + ScenarioJvm.JDK25);
        assertThat(run(launcher, Map.of(), "--version").exit()).isZero();
        assertThat(archives()).hasSize(1);

        Run on25 = run(launcher, Map.of("JAVA_HOME", ScenarioJvm.JDK25.toString()), "--version");
        assertThat(on25.exit()).as(on25.err()).isZero();
        assertThat(on25.out()).contains("Java 25").doesNotContain("[warning]").doesNotContain("[error]");
        assertThat(archives()).as("one for each JDK").hasSize(2);
        Run again = run(launcher, Map.of("JAVA_HOME", ScenarioJvm.JDK25.toString(), "JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain("cds");
    }

    @Test
    void aPodIsDiagnosedThroughTheKubernetesApiWithTheClientPartsTheJarCarries() throws Exception {
        // the jar leaves out the Kubernetes models of API groups Sage never reads: finding a pod, its owner and a
        // sibling, and exec, must all work with what it keeps
        try (FakeApiServer api = new FakeApiServer(); ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 3, "app");
            api.addPod("prod", "payments-7d9f8-healthy", "payments-7d9f8", 0, "app");
            Run r = run(launcher, Map.of("KUBECONFIG", api.kubeconfig(tmp).toString(), "SAGE_CDS", "off"),
                    "diagnose", "--rounds", "1", "pod/payments-7d9f8-x2kq", "-n", "prod", "--compare", "auto",
                    "--main-class", "dev.sage.scenarios.Scenario");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Sage analysis of pod/payments-7d9f8-x2kq -n prod -c app pid " + jvm.pid())
                    .contains("compared with payments-7d9f8-healthy, the Ready pod of ReplicaSet payments-7d9f8")
                    .contains("deadlock-A");
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("NoClassDefFound");
            assertThat(api.execs()).as("two per pod").hasSize(4);
        }
    }

    @Test
    void theCompletionScriptsLoadAndCompleteCommandsOptionsAndValues() throws Exception {
        Path bash = home.resolve("completion/sage.bash");
        assertThat(new ProcessBuilder("bash", "-n", bash.toString()).start().waitFor()).isZero();
        assertThat(complete(bash, "sage", "di")).contains("diagnose", "digest");
        assertThat(complete(bash, "sage", "diagnose", "--pro")).containsExactly("--profile");
        assertThat(complete(bash, "sage", "analyze", "--format", "")).containsExactly("text", "json", "slack");
        assertThat(complete(bash, "sage", "completion", "")).contains("bash", "zsh");

        // zsh loads the bash script through bashcompinit, which the zsh script turns on first
        assertThat(Files.readString(home.resolve("completion/sage.zsh")))
                .startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n");
        Run fish = run(launcher, Map.of("SAGE_CDS", "off"), "completion", "fish");
        assertThat(fish.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(fish.err()).contains("bash or zsh, not fish");
    }

    /** What bash offers for the last of {@code words}, as it would at a prompt. */
    private static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String program = "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + String.join(" ", words) + "'; _complete_sage 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "-c", program).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
