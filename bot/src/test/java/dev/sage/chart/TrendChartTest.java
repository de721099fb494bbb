package dev.sage.chart;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** The week's chart of a fleet whose services differ: one climbing in GiB over a flat heap, two steady. */
class TrendChartTest {
    private static final long MIB = 1L << 20;

    @Test
    void threeServicesOverAWeekAreDrawnInGibWithTheClimbingOneFirst() throws Exception {
        Instant end = Instant.parse("2026-12-07T06:00:00Z");
        List<TrendChart.Line> lines = List.of(line("prod/orders", end, 1400, 310, 170),
                line("prod/payments", end, 900, 0, 600), line("prod/search", end, 2100, -15, 1500));
        byte[] png = TrendChart.png(lines, "daily: memory per JVM over the week", TimeZone.getTimeZone("Europe/Paris"));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(TrendChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(TrendChart.HEIGHT);
        // the first service's colour is on the picture (its line), and so is the third's
        assertThat(colours(image)).contains(0xD62728, 0xFF7F0E);
        Files.write(Path.of("target", "trend-three-services.png"), png); // to look at
    }

    /** Seven daily runs: RSS from {@code rssMib} changing by {@code perDay}, the heap flat at {@code heapMib}. */
    private static TrendChart.Line line(String service, Instant end, long rssMib, long perDay, long heapMib) {
        List<TrendChart.Sample> samples = new ArrayList<>();
        for (int day = 6; day >= 0; day--) {
            samples.add(new TrendChart.Sample(end.minus(Duration.ofDays(day)), (rssMib + (6 - day) * perDay) * MIB,
                    heapMib * MIB));
        }
        return new TrendChart.Line(service, samples);
    }

    private static java.util.Set<Integer> colours(BufferedImage image) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.add(image.getRGB(x, y) & 0xFFFFFF);
            }
        }
        return out;
    }
}
