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
 * <p>Pure: {@link #layout} is arithmetic; the renderers only draw. Thread-safe: no shared mutable state.
 */
public final class FlameGraph {
    public static final int WIDTH = 1200;
    static final int ROW = 18;
    static final int TOP = 36;
    /** Rows past this are not drawn: a picture taller than a screen is not read. */
    static final int MAX_ROWS = 48;
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font FRAME_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Color INK = new Color(0x333333);

    private FlameGraph() {
    }

    /** One frame's box: {@code x} and {@code width} in pixels, {@code row} 0 at the bottom (the root). */
    record Box(double x, double width, int row, String frame, long weight) {}

    /**
     * The boxes of {@code flame} across {@link #WIDTH} pixels, thinner than half a pixel left out; the picture is as tall
     * as its boxes at least {@link #READABLE} wide go, and a thin tower above that height is cut, so that a sliver of
     * the JDK's own deep stacks does not make a picture of empty space.
     */
    static List<Box> layout(Flame flame) {
        List<Box> out = new ArrayList<>();
        if (flame.weight() > 0) {
            place(flame, 0, WIDTH, 0, out);
        }
        int rows = out.stream().filter(b -> b.width() >= READABLE).mapToInt(Box::row).max().orElse(0) + 1;
        out.removeIf(b -> b.row() >= rows);
        return out;
    }

    /** The narrowest box that decides how tall the picture is: about three characters. */
    static final double READABLE = 20;

    private static void place(Flame f, double x, double width, int row, List<Box> out) {
        if (width < 0.5 || row >= MAX_ROWS) {
            return;
        }
        out.add(new Box(x, width, row, f.frame(), f.weight()));
        double at = x;
        for (Flame c : f.children()) {
            double w = width * c.weight() / f.weight();
            place(c, at, w, row + 1, out);
            at += w;
        }
    }

    private static int rows(List<Box> boxes) {
        return boxes.stream().mapToInt(Box::row).max().orElse(0) + 1;
    }

    /** The flame graph as a PNG; {@code unit} words the root's weight ({@code bytes} or {@code samples}). */
    public static byte[] png(Flame flame, String title, String unit) {
        List<Box> boxes = layout(flame);
        int height = TOP + rows(boxes) * ROW + 8;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(INK);
            g.setFont(TITLE_FONT);
            g.drawString(title + " (" + total(flame, unit) + ")", 8, 22);
            g.setFont(FRAME_FONT);
            FontMetrics metrics = g.getFontMetrics();
            int bottom = height - 8;
            for (Box b : boxes) {
                int x = (int) Math.round(b.x());
                int w = Math.max(1, (int) Math.round(b.x() + b.width()) - x);
                int y = bottom - (b.row() + 1) * ROW;
                g.setColor(colour(b.frame()));
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
        List<Box> boxes = layout(flame);
        int height = TOP + rows(boxes) * ROW + 8;
        int bottom = height - 8;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" font-family=\"sans-serif\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append("<text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#333\">")
                .append(xml(title + " (" + total(flame, unit) + ")")).append("</text>\n");
        for (Box b : boxes) {
            int y = bottom - (b.row() + 1) * ROW;
            Color c = colour(b.frame());
            s.append(String.format(Locale.ROOT, "<g><title>%s (%s, %.1f %%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\""
                            + " height=\"%d\" fill=\"#%06x\"/>", xml(b.frame()), xml(weight(b.weight(), unit)),
                    100.0 * b.weight() / flame.weight(), b.x(), y, b.width(), ROW - 1, c.getRGB() & 0xFFFFFF));
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
