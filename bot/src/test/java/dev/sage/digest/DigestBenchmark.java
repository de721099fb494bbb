package dev.sage.digest;

import dev.sage.history.History;
import dev.sage.service.AnalyzeRequest;
import dev.sage.service.CaptureInput;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisService;
import dev.sage.service.Report;
import dev.sage.service.Target;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A digest over a simulated fleet, measured by hand (not a test):
 * <pre>
 * mvn -q -B -pl bot test-compile
 * java -Xmx256m -cp "bot/target/test-classes:bot/target/classes:$(cat bot/target/test-classpath.txt)" \
 *   dev.sage.digest.DigestBenchmark 500 16 200
 * </pre>
 * Each of {@code N} targets answers after {@code DELAY} ms (the exec's round trip) with the real captures of the
 * bundled sample service (a thread dump, heap info, native memory, version, flags, uptime, /proc status: a light
 * round), which the diagnosis service parses and judges. Prints the time per target alone, the ideal (targets ÷
 * concurrency × that time), the digest's time and their ratio, and the peak heap in use; then a 7-day trend query for
 * each of 500 targets over a history holding a year of daily rows for each.
 */
public final class DigestBenchmark {
    private DigestBenchmark() {}

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long delay = args.length > 2 ? Long.parseLong(args[2]) : 200;
        DiagnosisService service = new DiagnosisService(DiagnosisService.Settings.fromEnvironment());
        List<CaptureInput> round = new ArrayList<>();
        for (String f : List.of("03-thread-print.txt", "05-heap-info.txt", "06-native-memory.txt", "07-vm-version.txt",
                "08-vm-flags.txt", "09-vm-uptime.txt", "10-proc-status.txt")) {
            byte[] bytes = DigestBenchmark.class.getResourceAsStream("/samples/leaky-service/" + f).readAllBytes();
            round.add(CaptureInput.of(f, bytes));
        }
        DigestRunner.Diagnose simulated = t -> {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return service.analyze(new AnalyzeRequest(t.name(), round, List.of(), List.of()));
        };
        List<FleetTarget> fleet = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            String name = String.format(Locale.ROOT, "orders-%04d", i);
            fleet.add(new FleetTarget("shop/orders-" + (i % 25), "pod/" + name + " -n shop", name,
                    DiagnoseRequest.of(new Target.Pod(name))));
        }
        // one target alone, warm
        for (int i = 0; i < 20; i++) {
            simulated.diagnose(fleet.get(i));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            simulated.diagnose(fleet.get(i));
        }
        double perTarget = (System.nanoTime() - t0) / 20 / 1e6;
        double ideal = Math.ceil(targets / (double) concurrency) * perTarget;

        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        DigestSpec spec = new DigestSpec("bench", "0 0 9 * * ?", ZoneOffset.UTC, "C1",
                new DigestSpec.Targets(false, List.of(), List.of()), false, concurrency, Duration.ofSeconds(60),
                Duration.ofMinutes(30));
        long t1 = System.nanoTime();
        DigestResult r = new DigestRunner(simulated, null, null).run(spec, new Fleet.Listing(fleet, List.of()), s -> { });
        double took = (System.nanoTime() - t1) / 1e6;
        sampler.interrupt();
        System.out.printf(Locale.ROOT, "%d targets, %d at a time, %d ms each to answer: one target alone %.0f ms;"
                        + " ideal %.0f ms; digest %.0f ms = %.2f x the ideal; %d judged; peak heap in use %.0f MiB of %.0f MiB%n",
                targets, concurrency, delay, perTarget, ideal, took, took / ideal, r.targets().size(),
                peak.get() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);

        // a year of daily rows for 500 targets, then each one's 7-day trend
        Path dir = Files.createTempDirectory("sage-history-bench");
        try (History h = History.open("jdbc:h2:file:" + dir.resolve("h"), "sa", "", Duration.ofDays(400))) {
            Instant now = Instant.parse("2026-12-07T09:00:00Z");
            long w0 = System.nanoTime();
            for (int day = 365; day >= 1; day--) {
                List<History.Point> rows = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    rows.add(new History.Point(now.minus(Duration.ofDays(day)), "daily", "shop/orders",
                            String.format(Locale.ROOT, "pod/orders-%04d -n shop", i), "healthy", (700L + day) << 20,
                            200L << 20, 512L << 20, 220, "nmt-disabled"));
                }
                h.record(rows);
            }
            double write = (System.nanoTime() - w0) / 1e6;
            long q0 = System.nanoTime();
            int points = 0;
            for (int i = 0; i < 500; i++) {
                points += h.since(String.format(Locale.ROOT, "pod/orders-%04d -n shop", i), now.minus(Duration.ofDays(7))).size();
            }
            double query = (System.nanoTime() - q0) / 1e6;
            System.out.printf(Locale.ROOT, "history: 182,500 rows written in %.0f ms; 7-day trends of 500 targets read in"
                    + " %.0f ms (%.2f ms each, %d points)%n", write, query, query / 500, points);
            if (targets == 500) {
                // the same digest again, its trends read from and its run written to that year of history
                long t2 = System.nanoTime();
                DigestResult withHistory = new DigestRunner(simulated, null, h).run(spec, new Fleet.Listing(fleet, List.of()),
                        s -> { });
                double took2 = (System.nanoTime() - t2) / 1e6;
                System.out.printf(Locale.ROOT, "the digest with that history: %.0f ms = %.2f x the ideal; %d judged, %d with a"
                        + " change since the last run%n", took2, took2 / ideal, withHistory.targets().size(),
                        withHistory.targets().stream().filter(t -> t.change().isPresent()).count());
            }
        }
    }
}
