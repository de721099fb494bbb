package dev.sage.chart;

import dev.sage.digest.DigestResult;
import dev.sage.digest.TargetSummary;
import dev.sage.history.History;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.TreeMap;

/**
 * A fleet's week in one picture: for each of the services a digest lists first, the RSS of its JVMs (solid) and their
 * heap in use (dashed, same colour) at each run of the digest, averaged per JVM so that a service that scaled out does
 * not look like a leak. A slow RSS climb over a flat heap, the incident's signature, reads at a glance.
 *
 * <p>{@link #lines} is pure arithmetic on a digest's result; {@link #png} only draws. Thread-safe: no shared mutable
 * state.
 */
public final class TrendChart {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 400;
    /** More lines than this do not read; the rest of the fleet is in the attached table. */
    static final int MAX_SERVICES = 6;

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final List<Color> PALETTE = List.of(new Color(0xD62728), new Color(0x1F77B4), new Color(0xFF7F0E),
            new Color(0x2CA02C), new Color(0x9467BD), new Color(0x8C564B));
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color INK = new Color(0x333333);

    private TrendChart() {
    }

    /** One run of the digest for one service: the mean per JVM, -1 where unknown. */
    public record Sample(Instant at, long rssBytes, long heapUsedBytes) {}

    /** A service's samples, oldest first. */
    public record Line(String service, List<Sample> samples) {
        public Line {
            samples = List.copyOf(samples);
        }
    }

    /**
     * The lines of {@code r}: its services worst first, at most {@link #MAX_SERVICES}, each with at least two runs of
     * this digest in its targets' history (points from other sources, such as chat diagnoses, are left out).
     */
    public static List<Line> lines(DigestResult r) {
        List<Line> out = new ArrayList<>();
        for (Map.Entry<String, List<TargetSummary>> service : r.services().entrySet()) {
            if (out.size() == MAX_SERVICES) {
                break;
            }
            Map<Instant, long[]> runs = new TreeMap<>(); // rss sum, rss count, heap sum, heap count
            for (TargetSummary t : service.getValue()) {
                for (History.Point p : t.week()) {
                    if (!p.source().equals(r.spec().name())) {
                        continue;
                    }
                    long[] sums = runs.computeIfAbsent(p.at(), k -> new long[4]);
                    if (p.rss() >= 0) {
                        sums[0] += p.rss();
                        sums[1]++;
                    }
                    if (p.heapUsed() >= 0) {
                        sums[2] += p.heapUsed();
                        sums[3]++;
                    }
                }
            }
            List<Sample> samples = new ArrayList<>();
            runs.forEach((at, s) -> samples.add(new Sample(at, s[1] == 0 ? -1 : s[0] / s[1], s[3] == 0 ? -1 : s[2] / s[3])));
            if (samples.stream().filter(s -> s.rssBytes() >= 0).count() >= 2) {
                out.add(new Line(service.getKey(), samples));
            }
        }
        return out;
    }

    /** The week of {@code r} as a PNG, or empty when no service has two runs to draw a line through yet. */
    public static Optional<byte[]> png(DigestResult r) {
        List<Line> lines = lines(r);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(png(lines, r.spec().name() + ": memory per JVM over the week",
                TimeZone.getTimeZone(r.spec().zone())));
    }

    /** Draws {@code lines}; dates on the time axis in {@code zone}. */
    static byte[] png(List<Line> lines, String title, TimeZone zone) {
        long max = 0;
        for (Line l : lines) {
            for (Sample s : l.samples()) {
                max = Math.max(max, Math.max(s.rssBytes(), s.heapUsedBytes()));
            }
        }
        boolean gib = max >= 2 * GIB;
        double unit = gib ? GIB : MIB;
        TimeSeriesCollection data = new TimeSeriesCollection(zone);
        for (Line l : lines) {
            data.addSeries(series(l.service(), l.samples(), true, unit));
        }
        for (Line l : lines) {
            data.addSeries(series(l.service() + " heap", l.samples(), false, unit));
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart(title, null, gib ? "GiB" : "MiB", data, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        chart.setPadding(new RectangleInsets(6, 10, 4, 14));
        chart.getTitle().setFont(TITLE_FONT);
        chart.getTitle().setPaint(INK);
        TextTitle key = new TextTitle("solid: RSS · dashed: heap in use · mean per JVM at each run", TEXT_FONT);
        key.setPaint(INK);
        chart.addSubtitle(key);

        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setDomainGridlinePaint(new Color(0xEEEEEE));
        DateAxis time = (DateAxis) plot.getDomainAxis();
        SimpleDateFormat day = new SimpleDateFormat("EEE d MMM", Locale.ROOT);
        day.setTimeZone(zone);
        time.setDateFormatOverride(day);
        time.setTimeZone(zone);
        time.setTickLabelFont(TEXT_FONT);
        time.setTickLabelPaint(INK);
        NumberAxis values = (NumberAxis) plot.getRangeAxis();
        double upper = Math.max(max / unit, gib ? 0.1 : 1) * 1.08;
        values.setRange(0, upper);
        double tick = MemoryChart.tickUnit(upper, gib);
        values.setTickUnit(new NumberTickUnit(tick, new DecimalFormat(tick < 1 ? "0.0#" : "#,##0",
                DecimalFormatSymbols.getInstance(Locale.ROOT))));
        values.setLabelFont(TEXT_FONT);
        values.setLabelPaint(INK);
        values.setTickLabelFont(TEXT_FONT);
        values.setTickLabelPaint(INK);

        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        BasicStroke solid = new BasicStroke(2.5f);
        BasicStroke dashed = new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
        for (int i = 0; i < lines.size(); i++) {
            Color c = PALETTE.get(i % PALETTE.size());
            r.setSeriesPaint(i, c);
            r.setSeriesStroke(i, solid);
            r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            int heap = lines.size() + i;
            r.setSeriesPaint(heap, c);
            r.setSeriesStroke(heap, dashed);
            r.setSeriesShapesVisible(heap, false);
            r.setSeriesVisibleInLegend(heap, false);
        }
        plot.setRenderer(r);

        Charts.legendBelow(chart, TEXT_FONT, INK);
        return Charts.png(chart, WIDTH, HEIGHT, "trend chart");
    }

    /** The RSS or the heap in use of {@code samples}, in {@code unit}s, leaving out what is unknown. */
    private static TimeSeries series(String name, List<Sample> samples, boolean rss, double unit) {
        TimeSeries s = new TimeSeries(name);
        for (Sample x : samples) {
            long v = rss ? x.rssBytes() : x.heapUsedBytes();
            if (v >= 0) {
                s.addOrUpdate(new FixedMillisecond(x.at().toEpochMilli()), v / unit);
            }
        }
        return s;
    }
}
