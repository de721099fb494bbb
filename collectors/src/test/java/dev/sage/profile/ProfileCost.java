package dev.sage.profile;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.LocalTransport;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * What a profile costs: the target's throughput with and without a recording, side by side, and Sage's time and
 * memory to read a recording. Run by hand:
 * {@code java -cp "$CP" dev.sage.profile.ProfileCost [SECONDS] [PAIRS]} (default 30 s, 2 pairs): the median
 * requests per second of the target's loop, the recording's measured from 5 s after it started to 5 s before it stops.
 */
public final class ProfileCost {
    private ProfileCost() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Collector collector = new Collector(new LocalTransport());
        try (ScenarioJvm jvm = ScenarioJvm.start("throughput", "-Xmx256m")) {
            Thread.sleep(10_000); // warm-up: the JIT, the heap's size
            for (int pair = 1; pair <= pairs; pair++) {
                double without = opsPerSecond(jvm, seconds);
                CompletableFuture<Collector.Recording> recording = CompletableFuture.supplyAsync(() -> {
                    try {
                        return collector.recordJfr(jvm.pid(), Duration.ofSeconds(seconds), CollectionPlan.defaults());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(5_000); // past the jcmd starts, which compete for this machine's cores
                double with = opsPerSecond(jvm, seconds - 10);
                Collector.Recording r = recording.get();
                System.out.printf(Locale.ROOT, "pair %d: %,.0f requests/s without a recording, %,.0f with one (%+.1f %%);"
                        + " recording %d KiB%n", pair, without, with, 100 * (with - without) / without, r.jfr().length >> 10);
                if (pair == pairs) {
                    read(r);
                }
            }
        }
    }

    /** The median of the target's per-second counts over the next {@code seconds}. */
    private static double opsPerSecond(ScenarioJvm jvm, int seconds) throws InterruptedException {
        int from = jvm.output().size();
        Thread.sleep(seconds * 1000L);
        List<String> lines = jvm.output().subList(from, jvm.output().size());
        long[] ops = lines.stream().filter(l -> l.startsWith("ops ")).mapToLong(l -> Long.parseLong(l.substring(4)))
                .sorted().toArray();
        return ops.length == 0 ? 0 : ops[ops.length / 2];
    }

    private static void read(Collector.Recording r) throws Exception {
        Path file = Files.createTempFile("cost", ".jfr");
        Files.write(file, r.jfr());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ProfileReader.read(file); // once to load the parser's classes
        long bytes0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        Profile p = ProfileReader.read(file);
        long took = System.nanoTime() - t0;
        long allocated = threads.getCurrentThreadAllocatedBytes() - bytes0;
        System.gc();
        long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "reading a %d KiB recording of %d s: %d ms, %d MiB allocated while reading,"
                + " %d MiB heap in use after; %d CPU samples, %d allocation sites%n", r.jfr().length >> 10,
                p.window().toSeconds(), took / 1_000_000, allocated >> 20, retained >> 20, p.cpuSamples(),
                p.allocationSites().size());
        Files.delete(file);
    }
}
