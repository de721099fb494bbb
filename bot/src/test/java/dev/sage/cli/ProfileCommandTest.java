package dev.sage.cli;

import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sage profile} as a user runs it, on a real JVM. */
class ProfileCommandTest {
    @Test
    void aProfileNamesTheAllocatingMethodAndSavesTheRecording(@TempDir Path dir) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("allocation-hotspot")) {
            Path jfr = dir.resolve("hotspot.jfr");
            SageProcess.Run run = SageProcess.run(null, "profile", "local:" + jvm.pid(), "--duration", "2s", "--out",
                    jfr.toString(), "--flame", dir.resolve("flames").toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("recording local:" + jvm.pid() + " for 2 s");
            assertThat(run.out()).contains("Profile of local pid " + jvm.pid())
                    .containsPattern("Allocations, by the code that allocates \\(.+ sampled\\)\\n +\\d+\\.\\d % +[0-9.]+ \\w+ +"
                            + "dev\\.sage\\.scenarios\\.Scenario\\.buildReport\\n")
                    .contains("at dev.sage.scenarios.Scenario.buildReport:")
                    .contains("Garbage collection: ").contains("The recording: " + jfr);
            assertThat(new String(Files.readAllBytes(jfr), 0, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("FLR");
            assertThat(javax.imageio.ImageIO.read(dir.resolve("flames/allocations.png").toFile()).getWidth()).isEqualTo(1200);
            assertThat(Files.readString(dir.resolve("flames/allocations.svg"))).contains("Scenario.buildReport");
            Files.copy(dir.resolve("flames/allocations.png"), Path.of("target", "flame-allocations.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to look at

            // the recording, shared later, reads as the same profile
            SageProcess.Run analyzed = SageProcess.run(null, "analyze", jfr.toString());
            assertThat(analyzed.exit()).as(analyzed.err()).isZero();
            assertThat(analyzed.out()).contains("Profile of " + jfr + ": ").contains("(a recording read from its file)")
                    .contains("dev.sage.scenarios.Scenario.buildReport");
            SageProcess.Run same = SageProcess.run(null, "analyze", jfr.toString(), "--compare", jfr.toString());
            assertThat(same.exit()).as(same.err()).isZero();
            assertThat(same.out()).contains("What changed from " + jfr + " to " + jfr)
                    .contains("Allocations\n  no site moved by a point or more");
            byte[] whole = Files.readAllBytes(jfr);
            Path cut = Files.write(dir.resolve("cut.jfr"), java.util.Arrays.copyOf(whole, whole.length / 3));
            SageProcess.Run broken = SageProcess.run(null, "analyze", cut.toString());
            assertThat(broken.exit()).isEqualTo(ExitCodes.NOTHING_ANALYSED);
            assertThat(broken.err()).contains("could not be read as a flight recording").doesNotContain("Exception");
        }
    }

    @Test
    void twoJvmsRecordedSideBySideSayWhatMovedFromOneToTheOther(@TempDir Path dir) throws Exception {
        try (ScenarioJvm hot = ScenarioJvm.start("allocation-hotspot"); ScenarioJvm calm = ScenarioJvm.start("busy-healthy")) {
            SageProcess.Run run = SageProcess.run(null, "profile", "local:" + hot.pid(), "--compare", "local:" + calm.pid(),
                    "--duration", "2s", "--flame", dir.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("recording local:" + hot.pid() + " and local:" + calm.pid() + " for 2 s");
            assertThat(run.out()).contains("What changed from local pid " + calm.pid())
                    .containsPattern("new +\\+\\d+\\.\\d pts +0\\.0 % -> +\\d+\\.\\d % +dev\\.sage\\.scenarios\\.Scenario\\.buildReport")
                    .contains("cpu-diff.png");
            assertThat(javax.imageio.ImageIO.read(dir.resolve("allocations-diff.png").toFile()).getWidth()).isEqualTo(1200);
            assertThat(Files.readString(dir.resolve("allocations-diff.svg"))).contains("a larger share than in local pid "
                    + calm.pid());
            Files.copy(dir.resolve("cpu-diff.png"), Path.of("target", "flame-cpu-diff.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to look at
        }
    }

    @Test
    void aDurationOutOfRangeAndAProcessThatIsNotThereGetClearErrors() throws Exception {
        SageProcess.Run tooLong = SageProcess.run(null, "profile", "local:1", "--duration", "10m");
        assertThat(tooLong.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooLong.err()).contains("a profile lasts from 1 s to 5 min");

        SageProcess.Run gone = SageProcess.run(null, "profile", "local:999999999", "--duration", "1s");
        assertThat(gone.exit()).isEqualTo(ExitCodes.NOTHING_ANALYSED);
        assertThat(gone.err()).contains("sage profile: ").doesNotContain("Exception");
    }
}
