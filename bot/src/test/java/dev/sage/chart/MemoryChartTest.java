package dev.sage.chart;

import dev.sage.chart.MemoryChart.Breakdown;
import dev.sage.chart.MemoryChart.Part;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The resident memory breakdown of real captures (jcmd output from the shared corpus) with a process whose RSS is
 * far above what the heap and NMT account for: the picture of a small heap inside a big process.
 */
class MemoryChartTest {
    private static final Path LOCAL = Path.of(System.getProperty("sage.corpus", "../../shared/corpus"))
            .toAbsolutePath().normalize().resolve("local");
    private static final Path CHARTS = Path.of("target", "charts");
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** A {@code /proc/<pid>/status} of a JVM holding 1.6 GB resident. */
    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            Tgid:\t2403
            Pid:\t2403
            PPid:\t1
            Uid:\t1000\t1000\t1000\t1000
            Gid:\t1000\t1000\t1000\t1000
            VmPeak:\t 4200000 kB
            VmSize:\t 4100000 kB
            VmRSS:\t 1600000 kB
            RssAnon:\t 1580000 kB
            RssFile:\t   20000 kB
            VmSwap:\t       0 kB
            Threads:\t40
            SigCgt:\t2000000181005ccf
            """;

    @Test
    void withNmtTheHeapMetaspaceAndNativePartsAreTheSnapshotsFiguresAndTheRestOfRssIsNotAccountedFor() {
        JvmSnapshot s = snapshot("jdk17-heap-info.txt", "jdk17-nmt-summary.txt");
        NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();

        Breakdown b = MemoryChart.breakdown(s).orElseThrow();

        long heapUsed = s.heap().usedBytes();
        long heapUnused = s.heap().committedBytes() - heapUsed;
        long metaspace = committed(nmt, "Class") + committed(nmt, "Metaspace");
        long threads = committed(nmt, "Thread");
        long code = committed(nmt, "Code");
        long gc = committed(nmt, "GC");
        long otherNative = nmt.total().committedBytes() - committed(nmt, "Java Heap") - metaspace - threads - code - gc;
        long accounted = heapUsed + heapUnused + metaspace + threads + code + gc + otherNative;
        long rss = s.process().vmRssBytes();
        assertThat(nmt.category("Other")).as("the JDK 17 sample has no Other category").isEmpty();
        assertThat(b.parts()).containsExactly(
                new Part("heap used", heapUsed),
                new Part("heap committed, unused", heapUnused),
                new Part("metaspace", metaspace),
                new Part("thread stacks", threads),
                new Part("code cache", code),
                new Part("GC structures", gc),
                new Part("other native", otherNative),
                new Part("not accounted for", rss - accounted));
        assertThat(b.accountedBytes()).isEqualTo(accounted);
        assertThat(b.parts()).allSatisfy(p -> assertThat(p.bytes()).isPositive());
        assertThat(b.rssBytes()).isEqualTo(1_600_000L * 1024);
        assertThat(b.limitBytes()).isEqualTo(s.cgroup().limitBytes()).isEqualTo(2L << 30);
        assertThat(b.nmt()).isTrue();
        // the incident: most of the process is neither heap nor anything NMT names
        assertThat(rss - accounted).isGreaterThan(rss / 2);
    }

    @Test
    void withoutNmtOnlyTheHeapAndMetaspaceAreKnownAndTheRestOfRssIsNotAccountedForWithNmtOff() {
        JvmSnapshot s = snapshot("jdk17-heap-info.txt", "jdk17-nmt-off.txt");
        assertThat(s.nativeMemory()).isInstanceOf(NativeMemory.NotEnabled.class);

        Breakdown b = MemoryChart.breakdown(s).orElseThrow();

        long heapUsed = s.heap().usedBytes();
        long heapUnused = s.heap().committedBytes() - heapUsed;
        long metaspace = s.heap().metaspace().usedBytes();
        long rss = s.process().vmRssBytes();
        assertThat(b.parts()).containsExactly(
                new Part("heap used", heapUsed),
                new Part("heap committed, unused", heapUnused),
                new Part("metaspace", metaspace),
                new Part("not accounted for (NMT off)", rss - heapUsed - heapUnused - metaspace));
        assertThat(b.accountedBytes()).isEqualTo(heapUsed + heapUnused + metaspace);
        assertThat(b.nmt()).isFalse();
        assertThat(b.rssBytes()).isEqualTo(rss);
    }

    @Test
    void jdk25sHeapInfoHasNoMetaspaceLineSoMetaspaceComesFromNmtClassAndMetaspace() {
        JvmSnapshot s = snapshot("jdk25-heap-info.txt", "jdk25-nmt-summary.txt");
        NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();
        assertThat(s.heap().metaspace()).isNull();

        Breakdown b = MemoryChart.breakdown(s).orElseThrow();

        assertThat(b.parts()).extracting(Part::name).containsExactly("heap used", "heap committed, unused",
                "metaspace", "thread stacks", "code cache", "GC structures", "other native", "not accounted for");
        assertThat(b.parts()).filteredOn(p -> p.name().equals("metaspace")).singleElement()
                .extracting(Part::bytes).isEqualTo(committed(nmt, "Class") + committed(nmt, "Metaspace"));
        assertThat(b.parts().get(b.parts().size() - 1).bytes()).isEqualTo(b.rssBytes() - b.accountedBytes());
    }

    @Test
    void whenRssIsBelowWhatIsAccountedForThereIsNoNotAccountedForPart() {
        // NMT counts committed memory, RSS only what is resident: an idle heap can be committed and never touched
        JvmSnapshot s = snapshotWith(STATUS.replace("1600000 kB", "50000 kB"), "jdk17-heap-info.txt",
                "jdk17-nmt-summary.txt");

        Breakdown b = MemoryChart.breakdown(s).orElseThrow();

        assertThat(b.rssBytes()).isEqualTo(50_000L * 1024).isLessThan(b.accountedBytes());
        assertThat(b.parts()).extracting(Part::name).doesNotContain("not accounted for");
        assertThat(b.parts()).extracting(Part::bytes).allSatisfy(bytes -> assertThat(bytes).isPositive());
    }

    @Test
    void withNmtButNoHeapInfoTheHeapIsNmtsJavaHeapCommitted() {
        JvmSnapshot s = snapshot("jdk17-nmt-summary.txt");
        NativeMemory.Summary nmt = (NativeMemory.Summary) s.nativeMemory();

        Breakdown b = MemoryChart.breakdown(s).orElseThrow();

        assertThat(b.parts().get(0)).isEqualTo(new Part("heap committed", committed(nmt, "Java Heap")));
        assertThat(b.accountedBytes()).isEqualTo(nmt.total().committedBytes());
    }

    @Test
    void aSnapshotWithNeitherHeapFiguresNorRssHasNothingToDraw() {
        JvmSnapshot flagsOnly = snapshotWith(null, "jdk17-vm-flags.txt", "jdk17-nmt-off.txt");
        assertThat(flagsOnly.isEmpty()).isFalse();
        assertThat(MemoryChart.breakdown(flagsOnly)).isEqualTo(Optional.empty());

        JvmSnapshot nothing = new SnapshotReader("t").snapshot();
        assertThat(MemoryChart.breakdown(nothing)).isEmpty();
    }

    @Test
    void thePngIsAnImageOfTheAgreedSizeWithAndWithoutNmt() throws IOException {
        Breakdown withNmt = MemoryChart.breakdown(snapshot("jdk17-heap-info.txt", "jdk17-nmt-summary.txt"))
                .orElseThrow();
        Breakdown withoutNmt = MemoryChart.breakdown(snapshot("jdk17-heap-info.txt", "jdk17-nmt-off.txt"))
                .orElseThrow();

        byte[] nmtPng = MemoryChart.png(withNmt, "my-service-7d9f: where the 1.5 GiB resident goes");
        byte[] plainPng = MemoryChart.png(withoutNmt, "my-service-7d9f: resident memory (NMT off)");

        for (byte[] png : List.of(nmtPng, plainPng)) {
            assertThat(png).startsWith(PNG_SIGNATURE);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).isNotNull();
            assertThat(image.getWidth()).isEqualTo(MemoryChart.WIDTH).isEqualTo(800);
            assertThat(image.getHeight()).isEqualTo(MemoryChart.HEIGHT);
        }
        Files.createDirectories(CHARTS);
        Files.write(CHARTS.resolve("memory-breakdown.png"), nmtPng);
        Files.write(CHARTS.resolve("memory-breakdown-no-nmt.png"), plainPng);
    }

    @Test
    void everyPartOfABreakdownLikeTheIncidentsFitsTheLegend() throws IOException {
        // 170 MiB of heap inside a 1.6 GB process: every part NMT can name, the rest not accounted for
        long mib = 1L << 20;
        List<Part> parts = List.of(new Part("heap used", 170 * mib), new Part("heap committed, unused", 86 * mib),
                new Part("metaspace", 96 * mib), new Part("thread stacks", 212 * mib),
                new Part("direct buffers and other", 64 * mib), new Part("code cache", 48 * mib),
                new Part("GC structures", 41 * mib), new Part("other native", 37 * mib));
        long rss = 1_600_000L * 1024;
        long accounted = parts.stream().mapToLong(Part::bytes).sum();
        List<Part> all = new ArrayList<>(parts);
        all.add(new Part("not accounted for", rss - accounted));
        Breakdown b = new Breakdown(all, rss, 2L << 30, true);
        assertThat(b.accountedBytes()).isEqualTo(accounted);

        byte[] png = MemoryChart.png(b, "payments-7d9f: 1.5 GiB resident, 256 MiB of it heap");

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(MemoryChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(MemoryChart.HEIGHT);
        Files.createDirectories(CHARTS);
        Files.write(CHARTS.resolve("memory-breakdown-incident.png"), png);
    }

    @Test
    void drawingFromSeveralThreadsAtOnceGivesTheSameImage() throws Exception {
        Breakdown b = MemoryChart.breakdown(snapshot("jdk17-heap-info.txt", "jdk17-nmt-summary.txt")).orElseThrow();
        BufferedImage expected = ImageIO.read(new ByteArrayInputStream(MemoryChart.png(b, "t")));
        List<Thread> threads = new ArrayList<>();
        List<BufferedImage> images = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    images.add(ImageIO.read(new ByteArrayInputStream(MemoryChart.png(b, "t"))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(images).hasSize(4).allSatisfy(image -> assertThat(pixels(image)).isEqualTo(pixels(expected)));
    }

    /** The corpus captures named, plus a 1.6 GB RSS process status and a 2 GiB container limit. */
    private static JvmSnapshot snapshot(String... captures) {
        return snapshotWith(STATUS, captures);
    }

    /** The corpus captures named, plus this process status (none when null) and a 2 GiB container limit. */
    private static JvmSnapshot snapshotWith(String status, String... captures) {
        assumeTrue(Files.isDirectory(LOCAL), "corpus absent: " + LOCAL);
        SnapshotReader reader = new SnapshotReader("t");
        for (String c : captures) {
            Path p = LOCAL.resolve(c);
            assumeTrue(Files.isRegularFile(p), "corpus file absent: " + p);
            try {
                reader.add(c, Files.readString(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (status != null) {
            reader.add("/proc/2403/status", status);
            reader.add("/sys/fs/cgroup/memory.max", String.valueOf(2L << 30));
        }
        return reader.snapshot();
    }

    private static long committed(NativeMemory.Summary nmt, String category) {
        return nmt.category(category).orElseThrow().amount().committedBytes();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
