package dev.sage.chart;

import dev.sage.diagnosis.Units;
import dev.sage.profile.Flame;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A flame graph of a profile's stacks: the outermost frames at the bottom, each frame as wide as the share of the
 * events under it, so that the widest towers are where the bytes or the CPU go. The application's frames are warm,
 * the JDK's cool. As a PNG (readable in a Slack preview) and as an SVG (for the file; its titles give each frame's
 * full name and weight). Frames are the target's words: escaped for XML in the SVG, drawn as plain text in the PNG.
 *
 * <p>A differential flame graph draws one profile ({@code after}) coloured by how each frame's share moved from another
 * ({@code before}): red where it grew, blue where it shrank, pale where it held. Shares, not weights, are compared, so
 * recordings of different lengths compare. What vanished has no box: the text diff lists it.
 *
 * <p>Pure: {@link #layout} is arithmetic; the renderers only draw. Thread-safe: no shared mutable state.
 */
public final class FlameGraph {
    public static final int WIDTH = 1200;
    static final int ROW = 18;
    static final int TOP = 36;
    /** The height of a differential flame graph's legend line, under the title. */
    static final int LEGEND = 16;
    /** Rows past this are not drawn: a picture taller than a screen is not read. */
    static final int MAX_ROWS = 48;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font FRAME_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color INK = new Color(0x333333);

    private FlameGraph() {
    }

    /**
     * A picture of a profile, for a file or an upload.
     *
     * @param file its file name: {@code allocations.png}, {@code cpu-diff.svg}
     * @param title what it shows, in words
     * @param empty whether its flame graph holds no events
     * @param diff whether it is drawn against another profile
     */
    public record Picture(String file, String title, byte[] data, boolean empty, boolean diff) {}

    /**
     * The flame graphs of {@code p} (from {@code target}), allocations then CPU, each as PNG and SVG; with {@code before}
     * (from {@code beforeName}), the differential ones after them.
     */
    public static List<Picture> pictures(dev.sage.profile.Profile p, String target, dev.sage.profile.Profile before,
                                         String beforeName) {
        List<Picture> out = new ArrayList<>();
        out.addAll(pictures("allocations", "Allocations", p.allocationFlame(), target, "bytes", null, null));
        out.addAll(pictures("cpu", "CPU", p.cpuFlame(), target, "samples", null, null));
        if (before != null) {
            out.addAll(pictures("allocations-diff", "Allocations", p.allocationFlame(), target, "bytes",
                    before.allocationFlame(), beforeName));
            out.addAll(pictures("cpu-diff", "CPU", p.cpuFlame(), target, "samples", before.cpuFlame(), beforeName));
        }
        return out;
    }

    private static List<Picture> pictures(String file, String what, Flame flame, String target, String unit, Flame before,
                                          String beforeName) {
        String title = what + " of " + target;
        boolean diff = before != null;
        String words = diff ? what + ", against " + beforeName : what;
        byte[] png = diff ? diffPng(flame, before, title, beforeName, unit) : png(flame, title, unit);
        String svg = diff ? diffSvg(flame, before, title, beforeName, unit) : svg(flame, title, unit);
        boolean empty = flame.weight() <= 0;
        return List.of(new Picture(file + ".png", words, png, empty, diff),
                new Picture(file + ".svg", words + " (SVG)", svg.getBytes(java.nio.charset.StandardCharsets.UTF_8), empty,
                        diff));
    }

    /**
     * One frame's box: {@code x} and {@code width} in pixels, {@code row} 0 at the bottom (the root); {@code change} is
     * its share minus the same stack's share in the profile compared with (NaN when none is).
     */
    record Box(double x, double width, int row, String frame, long weight, double change) {
        Box(double x, double width, int row, String frame, long weight) {
            this(x, width, row, frame, weight, Double.NaN);
        }
    }

    /** A share that moved this much (ten points) is drawn at full colour. */
    static final double FULL_CHANGE = 0.10;

    /**
     * The boxes of {@code flame} across {@link #WIDTH} pixels, thinner than half a pixel left out; the picture is as tall
     * as its boxes at least {@link #READABLE} wide go, and a thin tower above that height is cut, so that a sliver of
     * the JDK's own deep stacks does not make a picture of empty space.
     */
    static List<Box> layout(Flame flame) {
        return layout(flame, null);
    }

    /** As {@link #layout(Flame)}, each box with its change from {@code before} when given. */
    static List<Box> layout(Flame flame, Flame before) {
        List<Box> out = new ArrayList<>();
        if (flame.weight() > 0) {
            place(flame, before, flame.weight(), before == null ? 0 : before.weight(), 0, WIDTH, 0, out);
        }
        int rows = out.stream().filter(b -> b.width() >= READABLE).mapToInt(Box::row).max().orElse(0) + 1;
        out.removeIf(b -> b.row() >= rows);
        return out;
    }

    /** The narrowest box that decides how tall the picture is: about three characters. */
    static final double READABLE = 20;

    /**
     * Places {@code f} and its children; {@code then} is the same stack in the profile compared with (null: absent
     * there, or no comparison when {@code thenTotal} is 0).
     */
    private static void place(Flame f, Flame then, long total, long thenTotal, double x, double width, int row,
                              List<Box> out) {
        if (width < 0.5 || row >= MAX_ROWS) {
            return;
        }
        double change = thenTotal <= 0 ? Double.NaN
                : (double) f.weight() / total - (then == null ? 0.0 : (double) then.weight() / thenTotal);
        out.add(new Box(x, width, row, f.frame(), f.weight(), change));
        double at = x;
        for (Flame c : f.children()) {
            double w = width * c.weight() / f.weight();
            Flame same = then == null ? null
                    : then.children().stream().filter(t -> t.frame().equals(c.frame())).findFirst().orElse(null);
            place(c, same, total, thenTotal, at, w, row + 1, out);
            at += w;
        }
    }

    private static int rows(List<Box> boxes) {
        return boxes.stream().mapToInt(Box::row).max().orElse(0) + 1;
    }

    /** The flame graph as a PNG; {@code unit} words the root's weight ({@code bytes} or {@code samples}). */
    public static byte[] png(Flame flame, String title, String unit) {
        return png(layout(flame), flame, title, "", unit);
    }

    /**
     * {@code after}'s flame graph coloured by the change of each frame's share from {@code before}, as a PNG;
     * {@code beforeName} names the profile compared with, in the legend.
     */
    public static byte[] diffPng(Flame after, Flame before, String title, String beforeName, String unit) {
        return png(layout(after, before), after, title, legend(beforeName), unit);
    }

    /** The colours of a differential flame graph, in words. */
    private static String legend(String beforeName) {
        return "red: a larger share than in " + beforeName + "; blue: a smaller one; pale: about the same. What"
                + " vanished has no box.";
    }

    private static byte[] png(List<Box> boxes, Flame flame, String title, String legend, String unit) {
        int height = (legend.isEmpty() ? TOP : TOP + LEGEND) + rows(boxes) * ROW + 8;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(INK);
            g.setFont(TITLE_FONT);
            g.drawString(fit(title + " (" + total(flame, unit) + ")", WIDTH - 16, g.getFontMetrics()), 8, 22);
            g.setFont(FRAME_FONT);
            if (!legend.isEmpty()) {
                g.drawString(fit(legend, WIDTH - 16, g.getFontMetrics()), 8, 22 + LEGEND);
            }
            FontMetrics metrics = g.getFontMetrics();
            int bottom = height - 8;
            for (Box b : boxes) {
                int x = (int) Math.round(b.x());
                int w = Math.max(1, (int) Math.round(b.x() + b.width()) - x);
                int y = bottom - (b.row() + 1) * ROW;
                g.setColor(colour(b));
                g.fillRect(x, y, w, ROW - 1);
                String label = fit(shortName(b.frame()), w - 6, metrics);
                if (!label.isEmpty()) {
                    g.setColor(INK);
                    g.drawString(label, x + 3, y + ROW - 5);
                }
            }
        } finally {
            g.dispose();
        }
        return Charts.png(image, "flame graph");
    }

    /** The flame graph as SVG; each box's title gives its frame's full name and its weight. */
    public static String svg(Flame flame, String title, String unit) {
        return svg(layout(flame), flame, title, "", unit);
    }

    /** {@code after}'s flame graph coloured by the change of each frame's share from {@code before}, as SVG. */
    public static String diffSvg(Flame after, Flame before, String title, String beforeName, String unit) {
        return svg(layout(after, before), after, title, legend(beforeName), unit);
    }

    private static String svg(List<Box> boxes, Flame flame, String title, String legend, String unit) {
        int height = (legend.isEmpty() ? TOP : TOP + LEGEND) + rows(boxes) * ROW + 8;
        int bottom = height - 8;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"sans-serif\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#333\">")
                .append(xml(title + " (" + total(flame, unit) + ")")).append("</text>\n");
        if (!legend.isEmpty()) {
            s.append("<text x=\"8\" y=\"").append(22 + LEGEND).append("\" font-size=\"11\" fill=\"#333\">")
                    .append(xml(legend)).append("</text>\n");
        }
        for (Box b : boxes) {
            int y = bottom - (b.row() + 1) * ROW;
            Color c = colour(b);
            String moved = Double.isNaN(b.change()) ? "" : String.format(Locale.ROOT, ", %+.1f pts", 100 * b.change());
            s.append(String.format(Locale.ROOT, "<g><title>%s (%s, %.1f %%%s)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                            + " height=\"%d\" fill=\"#%06x\"/>", xml(b.frame()), xml(weight(b.weight(), unit)),
                    100.0 * b.weight() / flame.weight(), moved, b.x(), y, b.width(), ROW - 1, c.getRGB() & 0xFFFFFF));
            // about 6.5 px a character at 11 px
            int chars = (int) ((b.width() - 6) / 6.5);
            String label = shortName(b.frame());
            if (chars >= 3) {
                label = label.length() <= chars ? label : label.substring(0, chars - 1) + "…";
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#333\">%s</text>",
                        b.x() + 3, y + ROW - 5, xml(label)));
            }
            s.append("</g>\n");
        }
        return s.append("</svg>\n").toString();
    }

    private static String total(Flame flame, String unit) {
        return weight(flame.weight(), unit);
    }

    private static String weight(long w, String unit) {
        return unit.equals("bytes") ? Units.bytes(w) : w + " " + unit;
    }

    /** {@code Orders.flush} for {@code com.example.Orders.flush}: the class's simple name and the method. */
    static String shortName(String frame) {
        int method = frame.lastIndexOf('.');
        if (method <= 0) {
            return frame;
        }
        int type = frame.lastIndexOf('.', method - 1);
        return frame.substring(type + 1);
    }

    private static String fit(String label, int width, FontMetrics m) {
        if (width < m.charWidth('m') * 2) {
            return "";
        }
        if (m.stringWidth(label) <= width) {
            return label;
        }
        for (int n = label.length() - 1; n > 1; n--) {
            String cut = label.substring(0, n) + "…";
            if (m.stringWidth(cut) <= width) {
                return cut;
            }
        }
        return "";
    }

    /** A box's colour: by its change when compared, else by whose frame it is. */
    static Color colour(Box b) {
        if (Double.isNaN(b.change())) {
            return colour(b.frame());
        }
        float strength = (float) Math.min(1.0, Math.abs(b.change()) / FULL_CHANGE);
        // pale grey-white when held, saturating to red (grew) or blue (shrank)
        return Color.getHSBColor(b.change() >= 0 ? 0f : 0.6f, 0.08f + 0.72f * strength, 0.97f);
    }

    /** Warm for the application's frames, cool for the JDK's, the hue varying by name so neighbours differ. */
    static Color colour(String frame) {
        int h = Math.abs(frame.hashCode() % 40);
        boolean jdk = frame.equals("all") || dev.sage.profile.ProfileReader.jdk(frame);
        return jdk ? Color.getHSBColor((200 + h / 2f) / 360f, 0.25f, 0.92f) : Color.getHSBColor((10 + h) / 360f, 0.65f, 0.98f);
    }

    /** Text for XML: markup characters escaped, control characters dropped. */
    static String xml(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
