package dev.sage.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sage.collect.Remedy;
import dev.sage.diagnosis.Diagnosis;
import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.NotEvaluated;
import dev.sage.diagnosis.Severity;
import dev.sage.service.AnalyzeRequest;
import dev.sage.service.CaptureInput;
import dev.sage.service.DiagnosisException;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Report;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Block Kit replies as Slack receives them: golden JSON for a few diagnoses (run with {@code -Dsage.golden.update=true}
 * to rewrite the files after a deliberate change, and read the diff), each checked against Slack's limits.
 */
class BlockKitTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Again PAYMENTS = Again.of((Conversation.Diagnose) Conversation.read("payments-7d9f8-x2kq in prod", false));

    private static Report sample() throws Exception {
        Path dir = Path.of("src/main/resources/samples/leaky-service");
        List<CaptureInput> inputs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("\\d\\d-.*")).sorted().toList()) {
                inputs.add(CaptureInput.of(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        }
        return new DiagnosisService(DiagnosisService.Settings.fromEnvironment().withSsh(DiagnosisService.SshSettings.defaults()))
                .analyze(new AnalyzeRequest("payments-7d9f8-x2kq", inputs, List.of(), List.of()));
    }

    @Test
    void theLeakyServiceReadsAsGoldenAndWithinSlacksLimits() throws Exception {
        BlockKit.Message m = BlockKit.report(sample(), PAYMENTS, false, "");
        golden("leaky-service.json", m);
        assertThat(m.cut()).isFalse();
        assertThat(m.text()).startsWith(":large_orange_circle: payments-7d9f8-x2kq: ");
    }

    @Test
    void theFirstJudgementSaysWhatIsStillComingAndHasNoButtonsYet() throws Exception {
        BlockKit.Message m = BlockKit.report(sample(), PAYMENTS, true, "round 1 of 2 is in");
        golden("leaky-service-partial.json", m);
        assertThat(m.blocksJson()).contains("round 1 of 2 is in").doesNotContain("sage_rerun");
    }

    @Test
    void aMistypedPodOffersTheClosestNamesAsButtons() throws Exception {
        DiagnosisException e = new DiagnosisException(DiagnosisException.Kind.TARGET_GONE,
                "no pod 'paymnts-7d9f8-x2kq' in namespace prod; did you mean payments-7d9f8-x2kq (Running, Ready)?",
                null, List.of(), List.of("payments-7d9f8-x2kq", "payments-7d9f8-abcde"));
        golden("pod-not-found.json", BlockKit.failure("Sage could not diagnose paymnts-7d9f8-x2kq", e, PAYMENTS));
    }

    @Test
    void aPodWithoutJcmdSaysWhatTheConfigurationCanAllow() throws Exception {
        DiagnosisException e = new DiagnosisException(DiagnosisException.Kind.COMMAND_NOT_FOUND,
                "jcmd is not installed on pod/slim-1 -n prod -c app", null,
                List.of(Remedy.COPY_JATTACH, Remedy.DEBUG_CONTAINER, Remedy.SIGQUIT), List.of());
        BlockKit.Message m = BlockKit.failure("Sage could not diagnose slim-1", e, PAYMENTS);
        golden("no-jcmd.json", m);
        assertThat(m.blocksJson()).contains("collection.copy_jattach").doesNotContain("--copy-jattach");
    }

    @Test
    void sixtyFindingsAreCutToFiftyBlocksSayingTheRestIsAttached() {
        List<Finding> many = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            many.add(new Finding("thread-leak", Severity.WARNING, "finding " + i, List.of("x".repeat(5000)),
                    List.of("fix it"), "builtin"));
        }
        Diagnosis d = new Diagnosis("pod/p -n prod", "OpenJDK 21", "many", many,
                List.of(new NotEvaluated("cache-growth: needs two class histograms of one JVM", List.of(Remedy.MORE_ROUNDS))),
                Map.of(), List.of(), Optional.empty());
        Report r = new Report(d, new dev.sage.parse.SnapshotReader("t").snapshot(), List.of(), List.of());
        BlockKit.Message m = BlockKit.report(r, PAYMENTS, false, "");
        assertThat(m.cut()).isTrue();
        assertThat(m.blocks()).hasSizeLessThanOrEqualTo(50);
        assertThat(m.blocksJson()).contains("more finding(s) are in the attached report").contains("sage_rerun")
                .contains("watch POD for 30s");
        SlackBotTest.BlockKitLimits.check(read(m));
    }

    @Test
    void textFromTheTargetNeverPingsLinksOrBreaksOutOfCode() {
        Finding hostile = new Finding("deadlock", Severity.CRITICAL, "<!channel> deadlock <https://evil.example|click>",
                List.of("\"<!here>\" waits for `x` ``` held by <@U123>", "bell \u0007 escape \u001b[31m"), List.of(), "builtin");
        Diagnosis d = new Diagnosis("pod/<!everyone> -n prod", "", "<!subteam^S1> summary", List.of(hostile), List.of(),
                Map.of(), List.of("note <mailto:x@y|z>"), Optional.empty());
        Report r = new Report(d, new dev.sage.parse.SnapshotReader("t").snapshot(), List.of(), List.of());
        String json = BlockKit.report(r, PAYMENTS, false, "").blocksJson();
        assertThat(json).doesNotContain("<!").doesNotContain("<https").doesNotContain("<@").doesNotContain("<mailto")
                .doesNotContain("\\u0007").doesNotContain("\\u001b").contains("&lt;!channel&gt;")
                .as("a code span cannot be closed from inside").doesNotContain("```").doesNotContain("`x`");
    }

    private static JsonNode read(BlockKit.Message m) {
        try {
            return new ObjectMapper().readTree(m.blocksJson());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void golden(String name, BlockKit.Message m) throws Exception {
        JsonNode blocks = read(m);
        SlackBotTest.BlockKitLimits.check(blocks);
        String actual = PRETTY.writeValueAsString(blocks) + "\n";
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("sage.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        assertThat(file).as("golden file (create it with -Dsage.golden.update=true, then read it)").exists();
        assertThat(actual).isEqualTo(Files.readString(file));
    }

    @Test
    void aLongSeriesOfDumpsIsShownByItsEnds() {
        StringBuilder dumps = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            dumps.append("2026-01-01 10:00:").append(String.format("%02d", i)).append('\n')
                    .append("Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n\n");
            for (int t = 0; t <= i; t++) {
                dumps.append("\"w-").append(t).append("\" #").append(t + 1).append(" prio=5 tid=0x1 nid=0x").append(t + 1)
                        .append(" waiting on condition [0x0]\n   java.lang.Thread.State: WAITING (parking)\n")
                        .append("\tat jdk.internal.misc.Unsafe.park(java.base@17/Native Method)\n\n");
            }
            dumps.append("JNI global refs: 1, weak refs: 0\n\n");
        }
        dev.sage.parse.SnapshotReader r = new dev.sage.parse.SnapshotReader("t");
        r.add("series", dumps.toString());
        String series = dev.sage.diagnosis.SnapshotDigest.of(r.snapshot()).threadCountSeries(" -> ");
        assertThat(series).isEqualTo("1 -> 2 -> 3 -> 4 -> 5 -> \u2026 -> 36 -> 37 -> 38 -> 39 -> 40");
    }

    @Test
    void aDigestOfThirtyServicesFitsSlacksLimitsWithAButtonForEveryJvmItLists() {
        dev.sage.digest.DigestSpec spec = new dev.sage.digest.DigestSpec("daily", "0 0 9 * * ?", java.time.ZoneOffset.UTC,
                "C1", new dev.sage.digest.DigestSpec.Targets(false, List.of(), List.of()), false, 8,
                java.time.Duration.ofSeconds(60), java.time.Duration.ofMinutes(10));
        List<dev.sage.digest.TargetSummary> targets = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            for (int p = 0; p < (s == 0 ? 1 : 4); p++) {
                String pod = "service-" + s + "-7d9f8-pod" + p;
                var target = new dev.sage.digest.FleetTarget("prod/service-" + s, "pod/" + pod + " -n prod", pod,
                        dev.sage.service.DiagnoseRequest.of(new dev.sage.service.Target.Pod(pod))
                                .withNamespace(Optional.of("prod")));
                targets.add(new dev.sage.digest.TargetSummary(target, dev.sage.digest.TargetSummary.Status.HEALTHY,
                        Optional.empty(), List.of(), (400L - s) << 20, 50L << 20, 128L << 20, 40, "", Optional.empty(),
                        Optional.empty(), List.of()));
            }
        }
        BlockKit.Message m = BlockKit.digest(new dev.sage.digest.DigestResult(spec, java.time.Instant.now(),
                java.time.Duration.ofSeconds(30), targets, List.of()));
        JsonNode blocks = read(m);
        SlackBotTest.BlockKitLimits.check(blocks);
        assertThat(m.cut()).as("the rest goes to the attached table").isTrue();
        assertThat(blocks.toString()).contains("10 more services are in the attached table.");

        List<String> ids = new ArrayList<>();
        List<String> pods = new ArrayList<>();
        for (JsonNode b : blocks) {
            List<JsonNode> buttons = new ArrayList<>();
            b.path("elements").forEach(buttons::add);
            if (b.has("accessory")) {
                buttons.add(b.get("accessory"));
            }
            for (JsonNode button : buttons) {
                if (button.path("type").asText().equals("button")) {
                    ids.add(button.get("action_id").asText());
                    pods.add(Again.decode(button.get("value").asText()).orElseThrow().target());
                }
            }
        }
        assertThat(ids).as("action ids are unique in a message").doesNotHaveDuplicates();
        assertThat(ids).allMatch(id -> id.startsWith(BlockKit.RERUN));
        // a service of one JVM: its button; the others: one for each of the three JVMs listed
        assertThat(pods).hasSize(1 + 19 * 3).contains("service-0-7d9f8-pod0", "service-5-7d9f8-pod2")
                .doesNotContain("service-5-7d9f8-pod3");
    }
}
