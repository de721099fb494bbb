package dev.sage.chart;

import dev.sage.profile.Flame;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Flame graphs laid out by weight, drawn as PNG and SVG, with the target's frame names escaped. */
class FlameGraphTest {
    private static Flame leaf(String frame, long weight) {
        return new Flame(frame, weight, List.of());
    }

    /** all → Thread.run → {Orders.flush (75), Orders.&lt;init&gt; hostile (25)}. */
    private static final Flame FLAME = new Flame("all", 100, List.of(new Flame("java.lang.Thread.run", 100, List.of(
            new Flame("com.example.Orders.flush", 75, List.of(leaf("com.example.Orders.buildReport", 60))),
            leaf("com.example.Orders.<init></text><script>alert(1)</script>", 25)))));

    @Test
    void eachFrameIsAsWideAsItsShareAndStacksOnItsCaller() {
        List<FlameGraph.Box> boxes = FlameGraph.layout(FLAME);
        assertThat(boxes).hasSize(5);
        FlameGraph.Box flush = boxes.stream().filter(b -> b.frame().endsWith("flush")).findFirst().orElseThrow();
        assertThat(flush.width()).isCloseTo(0.75 * FlameGraph.WIDTH, org.assertj.core.data.Offset.offset(0.01));
        assertThat(flush.row()).isEqualTo(2);
        FlameGraph.Box report = boxes.stream().filter(b -> b.frame().endsWith("buildReport")).findFirst().orElseThrow();
        assertThat(report.x()).as("over its caller").isEqualTo(flush.x());
        assertThat(report.row()).isEqualTo(3);
        assertThat(FlameGraph.shortName("com.example.Orders.flush")).isEqualTo("Orders.flush");
    }

    @Test
    void thePngReadsAndTheSvgEscapesWhatTheTargetNamed() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(FlameGraph.png(FLAME, "Allocations of local pid 1",
                "bytes")));
        assertThat(image.getWidth()).isEqualTo(FlameGraph.WIDTH);
        assertThat(image.getHeight()).isEqualTo(FlameGraph.TOP + 4 * FlameGraph.ROW + 8);
        String svg = FlameGraph.svg(FLAME, "Allocations of local pid 1", "bytes");
        assertThat(svg).startsWith("<svg ").contains("Allocations of local pid 1 (100 B)")
                .contains("com.example.Orders.flush (75 B, 75.0 %)")
                .doesNotContain("<script>").contains("&lt;/text&gt;&lt;script&gt;");
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void anEmptyProfileDrawsAnEmptyPicture() throws Exception {
        Flame none = new Flame("all", 0, List.of());
        assertThat(FlameGraph.layout(none)).isEmpty();
        assertThat(ImageIO.read(new ByteArrayInputStream(FlameGraph.png(none, "CPU of x", "samples"))).getWidth())
                .isEqualTo(FlameGraph.WIDTH);
    }

    @Test
    void aDifferentialFlameGraphColoursEachFrameByHowItsShareMovedFromTheOtherProfile() throws Exception {
        // before the fix: flush held 75 % of the bytes; after it, 20 %, and what it allocated went elsewhere
        Flame after = new Flame("all", 200, List.of(new Flame("java.lang.Thread.run", 200, List.of(
                new Flame("com.example.Orders.list", 160, List.of()),
                new Flame("com.example.Orders.flush", 40, List.of(leaf("com.example.Orders.buildReport", 40)))))));

        List<FlameGraph.Box> boxes = FlameGraph.layout(after, FLAME);

        FlameGraph.Box flush = boxes.stream().filter(b -> b.frame().endsWith("flush")).findFirst().orElseThrow();
        assertThat(flush.change()).isCloseTo(0.20 - 0.75, org.assertj.core.data.Offset.offset(1e-9));
        FlameGraph.Box list = boxes.stream().filter(b -> b.frame().endsWith("list")).findFirst().orElseThrow();
        assertThat(list.change()).as("new since before").isCloseTo(0.80, org.assertj.core.data.Offset.offset(1e-9));
        FlameGraph.Box root = boxes.stream().filter(b -> b.frame().equals("all")).findFirst().orElseThrow();
        assertThat(root.change()).isZero();
        java.awt.Color shrank = FlameGraph.colour(flush);
        java.awt.Color grew = FlameGraph.colour(list);
        assertThat(shrank.getBlue()).isGreaterThan(shrank.getRed());
        assertThat(grew.getRed()).isGreaterThan(grew.getBlue());

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(FlameGraph.diffPng(after, FLAME,
                "Allocations of pod/payments-2", "pod/payments-1", "bytes")));
        assertThat(image.getHeight()).as("a legend line under the title")
                .isEqualTo(FlameGraph.TOP + FlameGraph.LEGEND + 4 * FlameGraph.ROW + 8);
        assertThat(FlameGraph.diffSvg(after, FLAME, "Allocations of pod/payments-2", "pod/payments-1", "bytes"))
                .contains("red: a larger share than in pod/payments-1").contains("com.example.Orders.flush (40 B, 20.0 %, -55.0 pts)");
    }
}
