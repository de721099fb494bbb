package dev.sage.cli;

import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sage diagnose --profile}: a recording after the rounds turns "threads pile up" into "this code starts them",
 * and "a map grows" into "this code allocates what it keeps"; a recording shared with the dumps does the same.
 */
class DiagnoseWithProfileTest {
    @Test
    void theThreadLeakNamesTheCodeThatStartsTheThreadsAndNoRecordingIsLeftBehind() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            SageProcess.Run run = SageProcess.run(null, "diagnose", "local:" + jvm.pid(), "--rounds", "1", "--profile", "3s");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("then recording it with JDK Flight Recorder for 3 s");
            assertThat(run.out()).contains("(thread-leak)")
                    // the scenario builds an executor per request in a lambda of Scenario.main, line 53
                    .containsPattern("started by dev\\.sage\\.scenarios\\.Scenario\\.lambda\\$main\\$\\d+ \\(\\d+ threads of the family in the"
                            + " \\d s recording, \\d+ a minute, e\\.g\\. pool-\\d+-thread-1")
                    .containsPattern("where they are started: dev\\.sage\\.scenarios\\.Scenario\\.lambda\\$main\\$\\d+:\\d+ <- ")
                    .containsPattern("\\nProfile +\\d+\\.\\d s recorded: .+ allocated.+ \\d+ threads started")
                    .containsPattern("profile +\\d+ ms");
            try (Stream<Path> left = Files.list(Path.of("/proc/" + jvm.pid() + "/root/tmp"))) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("sage-profile-"));
            }
        }
    }

    @Test
    void aGrowingCacheNamesWhoAllocatesWhatItKeeps() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("response-cache", "-Xmx256m")) {
            SageProcess.Run run = SageProcess.run(null, "diagnose", "local:" + jvm.pid(), "--rounds", "2", "--interval", "3s",
                    "--profile", "2s", "--format", "text");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("(cache-growth)")
                    // the map's entries, allocated where the scenario puts them (a lambda of main), or the byte[] of
                    // the responses it keeps, allocated by their constructor: both name the code that fills the cache
                    .containsPattern("allocated by dev\\.sage\\.scenarios\\.Scenario(\\$CachedResponse\\.<init>|\\.lambda\\$main\\$\\d+):"
                            + " \\d+ % of (the .+ of \\S+|all .+) allocated in the \\d s recording")
                    .containsPattern("where: .*dev\\.sage\\.scenarios\\.Scenario\\.lambda\\$main\\$\\d+:\\d+");
        }
    }

    @Test
    void aRecordingSharedWithTheDumpsIsReadAsPartOfTheSnapshot(@TempDir Path dir) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("timer-leak")) {
            Path jfr = dir.resolve("timers.jfr");
            SageProcess.Run recorded = SageProcess.run(null, "profile", "local:" + jvm.pid(), "--duration", "2s", "--out",
                    jfr.toString());
            assertThat(recorded.exit()).as(recorded.err()).isZero();
            Path threads = dir.resolve("threads.txt");
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(jvm.pid()), "Thread.print").redirectOutput(threads.toFile()).start();
            assertThat(jcmd.waitFor()).isZero();

            SageProcess.Run run = SageProcess.run(null, "analyze", threads.toString(), jfr.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("(timer-leak)")
                    .containsPattern("started by dev\\.sage\\.scenarios\\.Scenario\\.lambda\\$main\\$\\d+ \\(\\d+ threads of the family in the \\d s"
                            + " recording, \\d+ a minute, e\\.g\\. Timer-\\d+")
                    .contains(jfr + ": flight recording (JDK Flight Recorder)");
        }
    }

    @Test
    void aProfileOutOfRangeIsRefusedBeforeAnythingRuns() throws Exception {
        SageProcess.Run run = SageProcess.run(null, "diagnose", "local:1", "--profile", "10m");
        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("a profile lasts from 1 s to 5 min");
    }
}
