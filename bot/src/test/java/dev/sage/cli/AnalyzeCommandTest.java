package dev.sage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code sage analyze} run as a user runs it: a real process, real files, real standard input and exit codes. */
class AnalyzeCommandTest {
    private static final Path CORPUS = Path.of(System.getProperty("sage.corpus", "../../shared/corpus"));

    @Test
    void theBundledSampleShowsThePileUpOfPerRequestExecutorsAndTimers() throws Exception {
        SageProcess.Run r = sage(null, "analyze", "--sample");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("JVM      OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (Java 17), pid 7367, up 10.1 s")
                .contains("Memory   heap 6.3 MiB used / 256 MiB committed / 256 MiB max (G1)")
                .contains("RSS 84.0 MiB")
                .contains("(2 dumps: 166 -> 290)")
                .containsPattern("pool-\\*-thread-1 +x120")
                .containsPattern("pool-\\*-thread-2 +x120")
                .containsPattern("report-timer-\\* +x30")
                .contains("change over 2 histograms")
                .contains("container limit unknown");
        assertThat(r.out()).doesNotContain("Problems");
    }

    @Test
    void jsonHasTheStableShape() throws Exception {
        SageProcess.Run r = sage(null, "analyze", "--sample", "--format", "json");
        assertThat(r.exit()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.fieldNames()).toIterable().startsWith("target", "jvm", "summary", "notes", "findings", "notEvaluated", "timings");
        assertThat(json.get("findings").isArray()).isTrue();
        assertThat(json.get("jvm").asText()).isEqualTo("OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1 (Java 17)");
        JsonNode threads = json.at("/snapshot/threads");
        assertThat(threads.get("count").asInt()).isEqualTo(290);
        assertThat(threads.get("countSeries").toString()).isEqualTo("[166,290]");
        assertThat(threads.at("/byState/WAITING").asInt()).isEqualTo(242);
        assertThat(json.at("/snapshot/memory/heapMaxBytes").asLong()).isEqualTo(256L << 20);
        assertThat(json.at("/snapshot/pid").asLong()).isEqualTo(7367);
        assertThat(json.get("sources")).hasSize(10);
    }

    @Test
    void aDumpPastedOnStandardInput() throws Exception {
        byte[] dump = resource("samples/leaky-service/01-thread-print.txt");
        SageProcess.Run r = sage(dump, "analyze", "-");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Sage analysis of -").contains("166 threads")
                .contains("<stdin>: thread dump");
    }

    @Test
    void controlCharactersFromACaptureNeverReachTheTerminal() throws Exception {
        String stanza = "\"evil\u001b]0;pwned\u0007 \u202Ethread-%d\" #%d prio=5 os_prio=0 tid=0x00007f000000000%d nid=0x%d"
                + " runnable  [0x0]\n   java.lang.Thread.State: RUNNABLE\n"
                + "\tat java.net.SocketInputStream.socketRead0(java.base@17/Native Method)\n"
                + "\tat java.net.SocketInputStream.read(java.base@17/SocketInputStream.java:168)\n"
                + "\tat com.example.Client.call(Client.java:42)\n"
                + "\tat java.lang.Thread.run(java.base@17/Thread.java:840)\n\n";
        String dump = "2026-01-01 10:00:00\nFull thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n\n"
                + String.format(stanza, 1, 1, 1, 1) + String.format(stanza, 2, 2, 2, 2) + String.format(stanza, 3, 3, 3, 3)
                + "JNI global refs: 1, weak refs: 0\n";
        SageProcess.Run r = sage(dump.getBytes(java.nio.charset.StandardCharsets.UTF_8), "analyze", "-");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202E");
        assertThat(r.out()).contains("evil\\x1B]0;pwned\\x07");
    }

    @Test
    void aClosedStandardInputIsSaidNotReadAsTheFileThatTookItsPlace() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("sh", "-c", "exec \"$0\" -cp \"$1\" dev.sage.cli.Sage analyze - <&-", javaBin,
                System.getProperty("java.class.path")).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(3);
        assertThat(err).contains("standard input was closed when Sage started").doesNotContain("threads");
    }

    @Test
    void aDirectoryIsReadInNameOrderAsATimeSeries(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("b-later.txt"), resource("samples/leaky-service/03-thread-print.txt"));
        Files.write(dir.resolve("a-earlier.txt"), resource("samples/leaky-service/01-thread-print.txt"));
        Files.writeString(dir.resolve(".hidden"), "not read");
        SageProcess.Run r = sage(null, "analyze", dir.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("(2 dumps: 166 -> 290)");
        assertThat(r.out().indexOf("a-earlier.txt")).isLessThan(r.out().indexOf("b-later.txt"));
        assertThat(r.out()).doesNotContain(".hidden");
    }

    @Test
    void theJvmsOwnDeadlockReportIsShown() throws Exception {
        Path f = CORPUS.resolve("public/jthreaddump-jdk25-deadlock.txt");
        assumeTrue(Files.isRegularFile(f), "shared corpus absent");
        SageProcess.Run r = sage(null, "analyze", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("deadlock reported by the JVM: \"DeadlockThread-A\" waits for java.lang.Object held by"
                + " \"DeadlockThread-B\"; \"DeadlockThread-B\" waits for java.lang.Object held by \"DeadlockThread-A\"");
    }

    @Test
    void textThatIsNoCaptureExitsThreeNamingFileLineAndLine(@TempDir Path dir) throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "\nthe pod was slow at 3am\n");
        SageProcess.Run r = sage(null, "analyze", notes.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("nothing could be analysed")
                .contains(notes + ":2: not a JVM capture Sage can read")
                .contains("\"the pod was slow at 3am\"");
    }

    @Test
    void aMissingFileIsNamedAndTheOthersStillRead(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("dump.txt");
        Files.write(dump, resource("samples/leaky-service/01-thread-print.txt"));
        SageProcess.Run r = sage(null, "analyze", dir.resolve("nope.txt").toString(), dump.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("nope.txt: no such file or directory").contains("166 threads");

        SageProcess.Run none = sage(null, "analyze", dir.resolve("nope.txt").toString());
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).contains("nope.txt: no such file or directory");
    }

    @Test
    void vendorFormatsAreNamedNotMisread(@TempDir Path dir) throws Exception {
        Path javacore = dir.resolve("javacore.txt");
        Files.writeString(javacore, "0SECTION       TITLE subcomponent dump routine\nNULL           ====\n1TICHARSET     UTF-8\n");
        SageProcess.Run r = sage(null, "analyze", javacore.toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("is an IBM J9 / Eclipse OpenJ9 javacore: Sage does not read this format yet");
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        SageProcess.Run noPaths = sage(null, "analyze");
        assertThat(noPaths.exit()).isEqualTo(2);
        assertThat(noPaths.err()).contains("give at least one PATH");
        SageProcess.Run badFormat = sage(null, "analyze", "--format", "yaml", "x");
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--format").contains("text, json");
        SageProcess.Run unknown = sage(null, "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        SageProcess.Run unknownHelp = sage(null, "frobnicate", "--help");
        assertThat(unknownHelp.exit()).isEqualTo(2);
        assertThat(unknownHelp.err()).contains("'frobnicate' is not a command").contains("analyze, diagnose");
    }

    @Test
    void comparedWithAHealthySiblingTheReportSaysWhatDiffers() throws Exception {
        Path sibling = Path.of("..", "playbooks", "src", "test", "resources", "captures", "container-roomy-jdk17");
        SageProcess.Run r = sage(null, "analyze", "--sample", "--compare", sibling.toString(), "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode families = new ObjectMapper().readTree(r.out()).at("/comparison/threadFamilies");
        assertThat(families.get(0).get("what").asText()).startsWith("pool-*-thread-");
        assertThat(families.get(0).get("jvm").asText()).isEqualTo("120");
        assertThat(families.get(0).get("sibling").asText()).isEqualTo("0");
        SageProcess.Run text = sage(null, "analyze", "--sample", "--compare", sibling.toString());
        assertThat(text.out()).contains("Compared with the healthy sibling (this JVM / sibling):")
                .containsPattern("threads +290 / 24");
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        SageProcess.Run top = sage(null, "--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("analyze");
        assertThat(top.err()).isEmpty();
        SageProcess.Run analyze = sage(null, "analyze", "--help");
        assertThat(analyze.exit()).isZero();
        assertThat(analyze.out()).contains("Usage: sage analyze").contains("--format").contains("Exit codes");
        // a help text that picocli cannot format (a bare % in a description) warns on stderr instead
        for (String command : List.of("diagnose", "profile", "demo", "bot", "playbooks", "audit", "digest")) {
            SageProcess.Run help = sage(null, command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: sage " + command);
            assertThat(help.err()).as(command + " --help").isEmpty();
        }
    }

    private static SageProcess.Run sage(byte[] stdin, String... args) throws IOException, InterruptedException {
        return SageProcess.run(stdin, args);
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = AnalyzeCommandTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }
}
