package dev.sage.cli;

import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sage digest list|run} as a user runs them. */
class DigestCommandTest {
    @TempDir
    Path dir;

    @Test
    void listShowsTheScheduleAndRunPrintsTheFleetWorstFirst() throws Exception {
        Path config = Files.writeString(dir.resolve("sage.yaml"), """
                local: true
                audit:
                  file: %s
                digests:
                  - name: fleet
                    cron: "0 30 8 ? * MON-FRI"
                    time_zone: Asia/Tokyo
                    channel: C0FLEET
                    targets:
                      local: true
                    per_target: 20s
                """.formatted(dir.resolve("audit.jsonl")));
        SageProcess.Run list = SageProcess.run(null, "digest", "list", "--config", config.toString());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("fleet  \"0 30 8 ? * MON-FRI\" (Asia/Tokyo) to C0FLEET: this machine's JVMs")
                .containsPattern("next: (Mon|Tue|Wed|Thu|Fri) \\d{4}-\\d{2}-\\d{2} 08:30 JST");

        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            SageProcess.Run run = SageProcess.run(null, "digest", "run", "fleet", "--config", config.toString());
            assertThat(run.exit()).isZero();
            assertThat(dir.resolve("sage-history.mv.db")).as("its figures kept beside the audit, for trends").exists();
            assertThat(run.out()).startsWith("Fleet health: fleet, ").contains("CRITICAL  ")
                    .contains("local:" + jvm.pid() + ": Deadlock");
            // the worst first: every other JVM on this machine (this build's own among them) comes after the deadlock
            assertThat(run.out().lines().filter(l -> !l.startsWith(" ") && !l.isBlank()).skip(1).findFirst())
                    .hasValueSatisfying(l -> assertThat(l).startsWith("CRITICAL"));
        }

        SageProcess.Run unknown = SageProcess.run(null, "digest", "run", "weekly", "--config", config.toString());
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("has no digest 'weekly'; it has fleet");
    }
}
