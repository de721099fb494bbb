package dev.sage.digest;

import dev.sage.chart.TrendChart;
import dev.sage.collect.CollectionPlan;
import dev.sage.render.DigestText;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Target;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A digest over a fleet of real JVMs: the sick ones first, a hanging one reported at its deadline. */
class DigestTest {
    private final DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());

    private static DigestSpec spec(Duration perTarget, Duration deadline) {
        return new DigestSpec("fleet", "0 0 9 * * ?", ZoneOffset.UTC, "C1", new DigestSpec.Targets(true, List.of(), List.of()),
                false, 4, perTarget, deadline);
    }

    private static FleetTarget target(String service, ScenarioJvm jvm, DigestSpec spec) {
        String name = "local:" + jvm.pid();
        return new FleetTarget(service, name, name, DiagnoseRequest.of(Target.parse(name, false)).withPlan(Fleet.plan(spec)));
    }

    @Test
    void theSickServicesComeFirstWithTheirFindingsAndAHangingJvmIsUnreachableAtItsDeadline() throws Exception {
        DigestSpec spec = spec(Duration.ofSeconds(4), Duration.ofMinutes(1));
        try (ScenarioJvm deadlocked = ScenarioJvm.start("deadlock-monitors");
             ScenarioJvm healthy = ScenarioJvm.start("healthy");
             ScenarioJvm hung = ScenarioJvm.start("idle")) {
            // a stopped process never answers the attach: the way a wedged JVM looks from outside
            new ProcessBuilder("kill", "-STOP", Long.toString(hung.pid())).start().waitFor();
            try {
                List<TargetSummary> streamed = new CopyOnWriteArrayList<>();
                Fleet.Listing fleet = new Fleet.Listing(List.of(target("billing", healthy, spec),
                        target("payments", deadlocked, spec), target("search", hung, spec)), List.of());
                long t0 = System.nanoTime();
                DigestResult r = new DigestRunner(service, null).run(spec, fleet, streamed::add);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);

                assertThat(took).as("the hanging JVM is given up on at its deadline, in parallel with the others")
                        .isLessThan(Duration.ofSeconds(12));
                assertThat(streamed).as("each summary handed on as it came in").hasSize(3);
                assertThat(r.services().keySet()).containsExactly("payments", "search", "billing");
                TargetSummary payments = r.services().get("payments").get(0);
                assertThat(payments.status()).isEqualTo(TargetSummary.Status.CRITICAL);
                assertThat(payments.top().orElseThrow().id()).isEqualTo("deadlock");
                assertThat(payments.rssBytes()).isPositive();
                assertThat(payments.threads()).isPositive();
                TargetSummary search = r.services().get("search").get(0);
                assertThat(search.status()).isEqualTo(TargetSummary.Status.UNREACHABLE);
                assertThat(search.unreachable()).isEqualTo("no answer within 4 s (digests[].per_target)");
                assertThat(r.services().get("billing").get(0).status()).isEqualTo(TargetSummary.Status.HEALTHY);
                assertThat(r.counts()).containsEntry(TargetSummary.Status.CRITICAL, 1)
                        .containsEntry(TargetSummary.Status.UNREACHABLE, 1).containsEntry(TargetSummary.Status.HEALTHY, 1);

                String text = DigestText.render(r);
                assertThat(text).startsWith("Fleet health: fleet, 3 JVMs in")
                        .contains("1 critical, 0 warning, 1 healthy, 1 unreachable")
                        .contains("CRITICAL  payments (1 JVM)\n  local:" + deadlocked.pid() + ": ")
                        .contains("[deadlock]").contains("unreachable: no answer within 4 s");
                assertThat(text.indexOf("payments")).isLessThan(text.indexOf("search")).isLessThan(text.indexOf("billing"));
                String csv = DigestText.csv(r);
                assertThat(csv.lines().toList()).hasSize(4);
                assertThat(csv).contains("payments,local:" + deadlocked.pid() + ",critical,deadlock,");
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(hung.pid())).start().waitFor();
            }
        }
    }

    @Test
    void aJvmThatLooksHealthyButWhoseRssClimbedForDaysIsFlaggedAsGrowingAndTheRunIsKept(@org.junit.jupiter.api.io.TempDir
                                                                                        Path dir) throws Exception {
        DigestSpec spec = spec(Duration.ofSeconds(30), Duration.ofMinutes(1));
        try (ScenarioJvm jvm = ScenarioJvm.start("healthy", "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");
             dev.sage.history.History history = dev.sage.history.History.open("jdbc:h2:file:" + dir.resolve("h"), "sa", "",
                     Duration.ofDays(90))) {
            long rss = java.nio.file.Files.readAllLines(Path.of("/proc/" + jvm.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")) << 10)
                    .findFirst().orElseThrow();
            // the last five days: RSS climbing 40 MiB a day to where it is now, the heap flat
            java.time.Instant now = java.time.Instant.now();
            List<dev.sage.history.History.Point> past = new java.util.ArrayList<>();
            for (int day = 5; day >= 1; day--) {
                past.add(new dev.sage.history.History.Point(now.minus(Duration.ofDays(day)), "fleet", "billing",
                        "local:" + jvm.pid(), "healthy", rss - day * (40L << 20), 8L << 20, 256L << 20, 24, ""));
            }
            history.record(past);

            DigestResult r = new DigestRunner(service, null, history).run(spec,
                    new Fleet.Listing(List.of(target("billing", jvm, spec)), List.of()), s -> { });

            TargetSummary t = r.targets().get(0);
            assertThat(t.top()).as("no single snapshot shows it").isEmpty();
            assertThat(t.status()).as("the climb does").isEqualTo(TargetSummary.Status.WARNING);
            assertThat(t.growth()).hasValueSatisfying(g -> assertThat(g).matches("RSS \\+(3\\d|4\\d)(\\.\\d)? MiB/day for 5 days, heap flat"));
            assertThat(DigestText.line(t)).startsWith("Steady growth: RSS +");
            assertThat(history.since("local:" + jvm.pid(), now.minus(Duration.ofHours(12)))).as("this run is kept").hasSize(1);

            // the week's picture: the service's line through its six runs, climbing, the heap flat under it
            List<TrendChart.Line> lines = TrendChart.lines(r);
            assertThat(lines).singleElement().satisfies(l -> {
                assertThat(l.service()).isEqualTo("billing");
                assertThat(l.samples()).hasSize(6);
                assertThat(l.samples().get(5).rssBytes() - l.samples().get(0).rssBytes())
                        .as("five days at 40 MiB a day, give or take this run's own RSS").isBetween(150L << 20, 250L << 20);
                assertThat(l.samples().get(0).heapUsedBytes()).isEqualTo(8L << 20);
            });
            byte[] png = TrendChart.png(r).orElseThrow();
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(TrendChart.WIDTH);
            assertThat(image.getHeight()).isEqualTo(TrendChart.HEIGHT);
            java.nio.file.Files.write(Path.of("target", "digest-week.png"), png); // to look at
        }
    }

    @Test
    void aDigestWhoseDeadlinePassesSaysWhatIsMissing() throws Exception {
        DigestSpec spec = spec(Duration.ofSeconds(30), Duration.ofSeconds(2));
        try (ScenarioJvm hung = ScenarioJvm.start("idle")) {
            new ProcessBuilder("kill", "-STOP", Long.toString(hung.pid())).start().waitFor();
            try {
                DigestResult r = new DigestRunner(service, null).run(spec,
                        new Fleet.Listing(List.of(target("search", hung, spec)), List.of("host group x: no such group")), s -> { });
                assertThat(r.took()).isLessThan(Duration.ofSeconds(6));
                assertThat(r.targets()).isEmpty();
                assertThat(r.problems()).containsExactly("host group x: no such group",
                        "1 of 1 targets were still out when the digest's deadline of 2 s passed (digests[].deadline)");
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(hung.pid())).start().waitFor();
            }
        }
    }

    @Test
    void theLocalFleetIsEveryJvmOnThisMachineAndAMissingHostGroupIsAProblemNotAFailure() throws Exception {
        try (ScenarioJvm a = ScenarioJvm.start("idle")) {
            DigestSpec spec = new DigestSpec("fleet", "0 0 9 * * ?", ZoneOffset.UTC, "C1",
                    new DigestSpec.Targets(true, List.of("nowhere"), List.of()), false, 4, Duration.ofSeconds(30),
                    Duration.ofMinutes(1));
            Fleet.Listing fleet = Fleet.of(spec, Path.of("/nonexistent/hosts.yaml"));
            assertThat(fleet.targets()).anySatisfy(t -> {
                assertThat(t.name()).isEqualTo("local:" + a.pid());
                assertThat(t.service()).isEqualTo("dev.sage.scenarios.Scenario");
            });
            assertThat(fleet.targets()).noneMatch(t -> t.name().equals("local:" + ProcessHandle.current().pid()));
            assertThat(fleet.problems()).singleElement().asString().startsWith("host group nowhere: ");
            CollectionPlan plan = Fleet.plan(spec);
            assertThat(plan.rounds()).isEqualTo(1);
            assertThat(plan.commands()).as("light by default: no heap walk").noneMatch(c -> c.command().startsWith("GC.class_histogram"));
        }
    }

    @Test
    void quartzFiresADigestOnItsCronExpression() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        DigestSpec every = new DigestSpec("every-second", "* * * * * ?", ZoneOffset.UTC, "C1",
                new DigestSpec.Targets(true, List.of(), List.of()), false, 1, Duration.ofSeconds(5), Duration.ofSeconds(10));
        DigestSpec never = new DigestSpec("new-year", "0 0 0 1 1 ? 2099", ZoneOffset.UTC, "C1",
                new DigestSpec.Targets(true, List.of(), List.of()), false, 1, Duration.ofSeconds(5), Duration.ofSeconds(10));
        try (DigestScheduler scheduler = new DigestScheduler(List.of(every, never), (d, firing) -> fired.add(d.name()))) {
            assertThat(scheduler.next("new-year")).hasValueSatisfying(t -> assertThat(t.toString()).startsWith("2099-01-01T00:00"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (fired.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(fired).as("fired within seconds of its time").isNotEmpty().allMatch("every-second"::equals);
        }
        int after = fired.size();
        Thread.sleep(1500);
        assertThat(fired).as("nothing fires once closed").hasSize(after);
    }
}
