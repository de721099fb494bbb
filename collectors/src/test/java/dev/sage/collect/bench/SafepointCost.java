package dev.sage.collect.bench;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.LocalTransport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the target pays for one default collection round: the safepoint pauses it logs ({@code -Xlog:safepoint})
 * with about 2 GB of live heap, and whether any GC pause was a full GC. Run by hand:
 * {@code java -cp ... dev.sage.collect.bench.SafepointCost [heap, e.g. 2600m] [scenario, default heap-fill-small]}.
 */
public final class SafepointCost {
    /** JDK 17: {@code Reaching safepoint: N ns, Cleanup: N ns, At safepoint: N ns, Total: N ns}; JDK 25 adds {@code Leaving}. */
    private static final Pattern SAFEPOINT = Pattern.compile(
            "Safepoint \"([^\"]+)\".*?Reaching safepoint: (\\d+) ns.*?At safepoint: (\\d+) ns.*?Total: (\\d+) ns");

    private SafepointCost() {}

    public static void main(String[] args) throws Exception {
        String heap = args.length > 0 ? args[0] : "2600m";
        String scenario = args.length > 1 ? args[1] : "heap-fill-small";
        Path dir = Files.createTempDirectory("safepoint");
        Path sp = dir.resolve("safepoint.log");
        Path gc = dir.resolve("gc.log");
        try (ScenarioJvm jvm = ScenarioJvm.start(Path.of(System.getProperty("java.home")), scenario,
                List.of("-Xmx" + heap, "-Xms" + heap, "-Xlog:safepoint:file=" + sp, "-Xlog:gc:file=" + gc))) {
            Thread.sleep(Long.getLong("settle.ms", 5000)); // let G1's concurrent cycle after the fill finish
            long spBefore = Files.readAllLines(sp).size();
            long gcBefore = Files.readAllLines(gc).size();
            long start = System.nanoTime();
            Collector.Result r = new Collector(new LocalTransport()).collect(jvm.pid(), CollectionPlan.defaults());
            long wall = System.nanoTime() - start;
            Thread.sleep(500);
            List<String> spLines = Files.readAllLines(sp);
            List<String> gcLines = Files.readAllLines(gc);
            System.out.printf("heap used %.0f MiB of %s; collection wall %.0f ms%n",
                    r.snapshot().heap().usedBytes() / 1048576.0, heap, wall / 1e6);
            long total = 0;
            long max = 0;
            for (String line : spLines.subList((int) spBefore, spLines.size())) {
                Matcher m = SAFEPOINT.matcher(line);
                if (m.find()) {
                    long ns = Long.parseLong(m.group(4));
                    total += ns;
                    max = Math.max(max, ns);
                    System.out.printf("  safepoint %-28s %8.1f ms (reaching %.1f ms, at safepoint %.1f ms)%n", m.group(1),
                            ns / 1e6, Long.parseLong(m.group(2)) / 1e6, Long.parseLong(m.group(3)) / 1e6);
                }
            }
            System.out.printf("safepoints total %.1f ms, longest %.1f ms%n", total / 1e6, max / 1e6);
            List<String> gcs = gcLines.subList((int) gcBefore, gcLines.size());
            System.out.println("GC lines during collection: " + gcs.size()
                    + (gcs.stream().anyMatch(l -> l.contains("Pause Full")) ? " (a FULL GC)" : " (no full GC)"));
            gcs.forEach(l -> System.out.println("  " + l));
        }
    }
}
