package dev.sage.cli;

import dev.sage.audit.AuditLog;
import dev.sage.config.BotConfig;
import dev.sage.history.History;
import dev.sage.slack.SlackApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void replicasSharingADatabaseAuditThereTooAndTailReadsThemAllFromTheConfiguration(@TempDir Path dir) throws Exception {
        String url = dev.sage.cluster.Postgres.freshSchema();
        String yaml = "history:\n  url: \"" + url + "\"\n  user: sage\n  password: sage\naudit:\n  file: %s\n";
        BotConfig a = BotConfig.parse("a.yaml", yaml.formatted(dir.resolve("a.jsonl")), k -> null);
        BotConfig b = BotConfig.parse("b.yaml", yaml.formatted(dir.resolve("b.jsonl")), k -> null);
        try (History ha = SlackApp.history(a); History hb = SlackApp.history(b)) {
            AuditLog first = SlackApp.audit(a, ha);
            AuditLog second = SlackApp.audit(b, hb);
            first.append("request", Map.of("user", "U1", "channel", "C1", "target", "pod/orders-1 in prod"));
            second.append("command", Map.of("user", "U2", "channel", "C1", "target", "pod/orders-2 in prod", "exit", 0));
            assertThat(Files.readString(dir.resolve("a.jsonl"))).as("each replica's own file").contains("U1")
                    .doesNotContain("U2");

            Path config = Files.writeString(dir.resolve("sage.yaml"), yaml.formatted(dir.resolve("absent.jsonl")));
            SageProcess.Run all = SageProcess.run(null, "audit", "tail", "--config", config.toString(), "--since", "1h");
            assertThat(all.exit()).as(all.err()).isZero();
            assertThat(all.out().lines()).hasSize(2);
            assertThat(all.out()).contains(" request U1 pod/orders-1 in prod\n")
                    .contains(" command U2 pod/orders-2 in prod: exit=0\n");
            SageProcess.Run u2 = SageProcess.run(null, "audit", "tail", "--config", config.toString(), "--user", "U2");
            assertThat(u2.out().lines()).singleElement().satisfies(l -> assertThat(l).contains(" U2 "));

            // the database gone: the line is refused, and what it was about to record does not run
            hb.close();
            assertThatThrownBy(() -> second.append("command", Map.of("user", "U2")))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("the shared audit in");
        }
    }
}
