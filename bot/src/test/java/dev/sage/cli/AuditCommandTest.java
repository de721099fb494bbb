package dev.sage.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AuditCommandTest {
    @Test
    void tailFiltersTheAuditByTimeAndPersonAndSaysWhatItCouldNotRead(@TempDir Path dir) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Instant now = Instant.now();
        Files.writeString(audit, String.join("\n",
                "{\"time\":\"" + now.minus(3, ChronoUnit.HOURS) + "\",\"event\":\"request\",\"user\":\"U1\",\"channel\":\"C1\","
                        + "\"thread\":\"1.1\",\"target\":\"local:1\",\"action\":\"diagnose\"}",
                "{\"time\":\"" + now.minus(5, ChronoUnit.MINUTES) + "\",\"event\":\"refused\",\"user\":\"U2\",\"channel\":\"C1\","
                        + "\"thread\":\"1.2\",\"target\":\"pod/x in prod (context default)\",\"action\":\"watch\",\"reason\":\"no\"}",
                "not json at all",
                "{\"time\":\"" + now.minus(1, ChronoUnit.MINUTES) + "\",\"event\":\"command\",\"user\":\"U1\",\"channel\":\"C1\","
                        + "\"thread\":\"1.3\",\"target\":\"local:7\",\"on\":\"local\",\"argv\":[\"sh\",\"-c\",\"<script 90 chars>\"]}",
                ""));
        SageProcess.Run recent = SageProcess.run(null, "audit", "tail", "--file", audit.toString(), "--since", "1h");
        assertThat(recent.exit()).isZero();
        assertThat(recent.out().lines()).hasSize(2);
        assertThat(recent.out()).contains(" refused U2 pod/x in prod (context default): action=watch reason=no")
                .contains(" command U1 local:7: on=local argv=[\"sh\",\"-c\",\"<script 90 chars>\"]");
        assertThat(recent.err()).contains("1 line(s) of " + audit + " are not audit events and were skipped");

        SageProcess.Run one = SageProcess.run(null, "audit", "tail", "--file", audit.toString(), "--user", "U1");
        assertThat(one.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains(" U1 "));

        SageProcess.Run none = SageProcess.run(null, "audit", "tail", "--file", dir.resolve("absent.jsonl").toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no audit at");
    }
}
