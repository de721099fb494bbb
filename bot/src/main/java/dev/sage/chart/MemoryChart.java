package dev.sage.chart;

import dev.sage.diagnosis.Units;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.NativeMemory;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a JVM's resident memory goes, as one horizontal stacked bar: the heap (used, then committed but unused),
 * metaspace, the native parts native memory tracking names, and what the process holds that neither accounts
 * for, with lines at the RSS and at the container limit. The chart that shows at a glance a 170 MiB heap inside
 * a 1.6 GiB process.
 *
 * <p>{@link #breakdown} is pure arithmetic on the snapshot; {@link #png} only draws. Both are thread-safe: no
 * shared mutable state.
 */
public final class MemoryChart {
    public static final String HEAP_USED = "heap used";
    public static final String HEAP_UNUSED = "heap committed, unused";
    /** The heap when only its committed size is known (no {@code GC.heap_info}, NMT's {@code Java Heap}). */
    public static final String HEAP_COMMITTED = "heap committed";
    public static final String METASPACE = "metaspace";
    public static final String THREAD_STACKS = "thread stacks";
    public static final String DIRECT_AND_OTHER = "direct buffers and other";
    public static final String CODE_CACHE = "code cache";
    public static final String GC_STRUCTURES = "GC structures";
    public static final String OTHER_NATIVE = "other native";
    public static final String NOT_ACCOUNTED = "not accounted for";
    public static final String NOT_ACCOUNTED_NMT_OFF = "not accounted for (NMT off)";

    /** The size of {@link #png}. */
    public static final int WIDTH = 800;
    public static final int HEIGHT = 300;

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    /** NMT categories drawn as parts of their own (besides {@code Java Heap}, {@code Class} and {@code Metaspace}). */
    private static final List<String[]> NATIVE_PARTS = List.of(
            new String[] {THREAD_STACKS, "Thread"},
            new String[] {DIRECT_AND_OTHER, "Other"},
            new String[] {CODE_CACHE, "Code"},
            new String[] {GC_STRUCTURES, "GC"});

    private static final Map<String, Color> COLOURS = Map.ofEntries(
            Map.entry(HEAP_USED, new Color(0x1F5FA8)),
            Map.entry(HEAP_UNUSED, new Color(0x9CC3E6)),
            Map.entry(HEAP_COMMITTED, new Color(0x4F8FD0)),
            Map.entry(METASPACE, new Color(0x3A9A5B)),
            Map.entry(THREAD_STACKS, new Color(0xF28E2B)),
            Map.entry(DIRECT_AND_OTHER, new Color(0xC85200)),
            Map.entry(CODE_CACHE, new Color(0xFFBE7D)),
            Map.entry(GC_STRUCTURES, new Color(0x9C5B2E)),
            Map.entry(OTHER_NATIVE, new Color(0xF3D9B1)),
            Map.entry(NOT_ACCOUNTED, new Color(0xD62728)),
            Map.entry(NOT_ACCOUNTED_NMT_OFF, new Color(0xD62728)));

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    private static final Color INK = new Color(0x333333);
    private static final Color LIMIT_COLOUR = new Color(0x6A1B9A);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private MemoryChart() {}

    /** One slice of resident memory. */
    public record Part(String name, long bytes) {
        public Part {
            Objects.requireNonNull(name, "name");
        }
    }

    /** parts in drawing order; rss and limit -1 when unknown; nmt says whether native memory tracking gave the native parts. */
    public record Breakdown(List<Part> parts, long rssBytes, long limitBytes, boolean nmt) {
        public Breakdown {
            parts = List.copyOf(parts);
        }

        /** The sum of the parts except "not accounted for": what the heap and NMT (or heap_info) explain. */
        public long accountedBytes() {
            long sum = 0;
            for (Part p : parts) {
                if (!isUnaccounted(p.name())) {
                    sum += p.bytes();
                }
            }
            return sum;
        }
    }

    /** Pure. Empty when the snapshot has neither heap figures nor RSS (nothing to draw). */
    public static Optional<Breakdown> breakdown(JvmSnapshot s) {
        HeapInfo heap = s.heap();
        NativeMemory.Summary nmt = s.nativeMemory() instanceof NativeMemory.Summary summary ? summary : null;
        long used = heap != null ? heap.usedBytes() : -1;
        long committed = heap != null ? heap.committedBytes() : -1;
        if (committed < 0 && nmt != null) {
            committed = committed(nmt, "Java Heap");
        }
        List<Part> parts = new ArrayList<>();
        if (used >= 0) {
            add(parts, HEAP_USED, used);
            if (committed >= 0) {
                add(parts, HEAP_UNUSED, committed - used);
            }
        } else {
            add(parts, HEAP_COMMITTED, committed);
        }

        long nmtClass = nmt == null ? -1 : committed(nmt, "Class");
        long nmtMetaspace = nmt == null ? -1 : committed(nmt, "Metaspace");
        if (nmtClass >= 0 || nmtMetaspace >= 0) {
            // JDK 8-15 count all of metaspace under Class; 16+ split class space (Class) from the rest (Metaspace)
            add(parts, METASPACE, Math.max(nmtClass, 0) + Math.max(nmtMetaspace, 0));
        } else if (heap != null && heap.metaspace() != null) {
            add(parts, METASPACE, heap.metaspace().usedBytes());
        }

        if (nmt != null) {
            long shown = Math.max(committed(nmt, "Java Heap"), 0) + Math.max(nmtClass, 0) + Math.max(nmtMetaspace, 0);
            for (String[] p : NATIVE_PARTS) {
                long bytes = committed(nmt, p[1]);
                add(parts, p[0], bytes);
                shown += Math.max(bytes, 0);
            }
            if (nmt.total() != null && nmt.total().committedBytes() >= 0) {
                add(parts, OTHER_NATIVE, nmt.total().committedBytes() - shown);
            }
        }

        long rss = s.process() != null && s.process().vmRssBytes() > 0 ? s.process().vmRssBytes() : -1;
        long limit = s.cgroup() != null && s.cgroup().limitBytes() > 0 ? s.cgroup().limitBytes() : -1;
        long accounted = parts.stream().mapToLong(Part::bytes).sum();
        if (rss > 0) {
            add(parts, nmt != null ? NOT_ACCOUNTED : NOT_ACCOUNTED_NMT_OFF, rss - accounted);
        }
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Breakdown(parts, rss, limit, nmt != null));
    }

    private static void add(List<Part> parts, String name, long bytes) {
        if (bytes > 0) {
            parts.add(new Part(name, bytes));
        }
    }

    private static long committed(NativeMemory.Summary nmt, String category) {
        return nmt.category(category).map(c -> c.amount().committedBytes()).orElse(-1L);
    }

    private static boolean isUnaccounted(String name) {
        return name.startsWith(NOT_ACCOUNTED);
    }

    /** A PNG, about 800x300, readable in a Slack thread. Thread-safe (no shared state). */
    public static byte[] png(Breakdown b, String title) {
        return Charts.png(chart(b, title), WIDTH, HEIGHT, "memory chart");
    }

    private static JFreeChart chart(Breakdown b, String title) {
        long total = 0;
        for (Part p : b.parts()) {
            total += p.bytes();
        }
        long max = Math.max(total, Math.max(b.rssBytes(), b.limitBytes()));
        boolean gib = max >= 2 * GIB;
        double unit = gib ? GIB : MIB;
        double upper = Math.max(max / unit, gib ? 0.1 : 1) * 1.04;

        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        String row = "resident memory";
        for (Part p : b.parts()) {
            dataset.addValue(p.bytes() / unit, legendLabel(p), row);
        }
        JFreeChart chart = ChartFactory.createStackedBarChart(title, null, gib ? "GiB" : "MiB", dataset,
                PlotOrientation.HORIZONTAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.setPadding(new RectangleInsets(6, 10, 4, 14));
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE_FONT);
            chart.getTitle().setPaint(INK);
        }

        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setInsets(new RectangleInsets(4, 4, 4, 4));
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);

        CategoryAxis categories = plot.getDomainAxis();
        categories.setVisible(false);
        categories.setLowerMargin(0.24);
        categories.setUpperMargin(0.24);

        NumberAxis values = (NumberAxis) plot.getRangeAxis();
        values.setRange(0, upper);
        values.setLabelFont(TEXT_FONT);
        values.setLabelPaint(INK);
        values.setTickLabelFont(TEXT_FONT);
        values.setTickLabelPaint(INK);
        values.setAxisLineVisible(false);
        double tick = tickUnit(upper, gib);
        values.setTickUnit(new NumberTickUnit(tick, new DecimalFormat(tick < 1 ? "0.0#" : "#,##0",
                DecimalFormatSymbols.getInstance(Locale.ROOT))));

        StackedBarRenderer bars = (StackedBarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(true);
        bars.setDefaultOutlinePaint(Color.WHITE);
        bars.setDefaultOutlineStroke(new BasicStroke(1f));
        List<Part> parts = b.parts();
        for (int i = 0; i < parts.size(); i++) {
            Color colour = COLOURS.getOrDefault(parts.get(i).name(), Color.GRAY);
            bars.setSeriesPaint(i, colour);
            bars.setSeriesOutlinePaint(i, Color.WHITE);
            bars.setSeriesItemLabelPaint(i, dark(colour) ? Color.WHITE : INK);
        }
        // the size inside each segment wide enough to hold it; the legend names every part
        bars.setDefaultItemLabelGenerator(new SizeLabels(parts, 0.09 * upper * unit));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultItemLabelFont(LABEL_FONT);
        bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.CENTER, TextAnchor.CENTER));

        if (b.rssBytes() > 0) {
            plot.addRangeMarker(marker(b.rssBytes() / unit, upper, "RSS " + Units.bytes(b.rssBytes()), INK,
                    new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f),
                    true));
        }
        if (b.limitBytes() > 0) {
            plot.addRangeMarker(marker(b.limitBytes() / unit, upper, "container limit " + Units.bytes(b.limitBytes()),
                    LIMIT_COLOUR, new BasicStroke(2f), false));
        }

        LegendTitle legend = Charts.legendBelow(chart, TEXT_FONT, INK);
        legend.setItemLabelPadding(new RectangleInsets(2, 3, 2, 10));
        legend.setMargin(new RectangleInsets(4, 0, 0, 0));
        return chart;
    }

    /** A round step giving about ten ticks up to {@code upper}: 1, 2, 2.5 or 5 times a power of ten (whole MiB). */
    static double tickUnit(double upper, boolean gib) {
        double raw = upper / 10;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            double tick = step * power;
            if (tick >= raw && (gib || tick >= 1 && tick == Math.rint(tick))) {
                return tick;
            }
        }
        return gib ? 10 * power : Math.max(1, Math.ceil(raw));
    }

    private static String legendLabel(Part p) {
        return p.name() + " " + Units.bytes(p.bytes());
    }

    /** A vertical line across the bar; its label at the top (RSS) or bottom (limit), on the side with more room. */
    private static ValueMarker marker(double value, double upper, String label, Color colour, BasicStroke stroke,
                                      boolean top) {
        ValueMarker m = new ValueMarker(value, colour, stroke);
        m.setLabel(label);
        m.setLabelFont(LABEL_FONT);
        m.setLabelPaint(colour);
        m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
        m.setLabelOffset(new RectangleInsets(3, 5, 3, 5));
        boolean left = value > upper / 2;
        if (top) {
            m.setLabelAnchor(left ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(left ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
        } else {
            m.setLabelAnchor(left ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(left ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT);
        }
        return m;
    }

    private static boolean dark(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() < 150;
    }

    /** Labels a segment with its size when it is at least {@code minBytes} wide, else leaves it bare. */
    private record SizeLabels(List<Part> parts, double minBytes)
            implements CategoryItemLabelGenerator {
        @Override
        public String generateRowLabel(CategoryDataset dataset, int row) {
            return parts.get(row).name();
        }

        @Override
        public String generateColumnLabel(CategoryDataset dataset, int column) {
            return dataset.getColumnKey(column).toString();
        }

        @Override
        public String generateLabel(CategoryDataset dataset, int row, int column) {
            Part p = parts.get(row);
            return p.bytes() >= minBytes ? Units.bytes(p.bytes()) : null;
        }
    }
}
