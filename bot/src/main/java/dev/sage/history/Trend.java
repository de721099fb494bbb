package dev.sage.history;

import dev.sage.diagnosis.Units;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a target's figures moved over a window: the change since the previous point, and steady growth, which a single
 * snapshot cannot show (the incident's slow RSS climb with a flat heap). Pure.
 *
 * @param points the window's points, oldest first, the latest last
 * @param rssPerDay the RSS's least-squares slope, bytes a day (0 with fewer than two points)
 * @param heapPerDay the heap in use's slope, bytes a day
 * @param growing steady RSS growth: at least {@link #MIN_POINTS} points over {@link #MIN_SPAN}, a slope of at least
 *     {@link #MIN_GROWTH} a day that explains most of the change (R² ≥ {@link #MIN_FIT}), every step but one upward
 */
public record Trend(List<History.Point> points, double rssPerDay, double heapPerDay, boolean growing) {
    static final int MIN_POINTS = 3;
    static final Duration MIN_SPAN = Duration.ofDays(2);
    static final long MIN_GROWTH = 16L << 20;
    static final double MIN_FIT = 0.8;

    public Trend {
        points = List.copyOf(points);
    }

    /** The trend of {@code points} (oldest first). */
    public static Trend of(List<History.Point> points) {
        List<History.Point> known = points.stream().filter(p -> p.rss() >= 0).toList();
        if (known.size() < 2) {
            return new Trend(points, 0, 0, false);
        }
        double[] rss = fit(known, true);
        double[] heap = fit(known.stream().filter(p -> p.heapUsed() >= 0).toList(), false);
        Duration span = Duration.between(known.get(0).at(), known.get(known.size() - 1).at());
        long downs = 0;
        for (int i = 1; i < known.size(); i++) {
            if (known.get(i).rss() < known.get(i - 1).rss()) {
                downs++;
            }
        }
        boolean growing = known.size() >= MIN_POINTS && span.compareTo(MIN_SPAN) >= 0 && rss[0] >= MIN_GROWTH
                && rss[1] >= MIN_FIT && downs <= 1;
        return new Trend(points, rss[0], heap[0], growing);
    }

    private static String days(Duration d) {
        long n = Math.max(1, Math.round(d.toHours() / 24.0));
        return n + (n == 1 ? " day" : " days");
    }

    /** Slope (per day) and R² of the RSS, or of the heap in use, over time. */
    private static double[] fit(List<History.Point> ps, boolean rss) {
        if (ps.size() < 2) {
            return new double[] {0, 0};
        }
        double t0 = ps.get(0).at().getEpochSecond();
        double n = ps.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (History.Point p : ps) {
            double x = (p.at().getEpochSecond() - t0) / 86_400.0;
            double y = rss ? p.rss() : p.heapUsed();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        double vx = n * sxx - sx * sx;
        double vy = n * syy - sy * sy;
        if (vx <= 0) {
            return new double[] {0, 0};
        }
        double slope = (n * sxy - sx * sy) / vx;
        double r2 = vy <= 0 ? 0 : Math.pow(n * sxy - sx * sy, 2) / (vx * vy);
        return new double[] {slope, r2};
    }

    /** The steady growth in words: {@code RSS +310 MiB/day for 5 days, heap flat}; empty when there is none. */
    public Optional<String> growth() {
        if (!growing) {
            return Optional.empty();
        }
        Duration span = Duration.between(points.get(0).at(), points.get(points.size() - 1).at());
        boolean heapFlat = Math.abs(heapPerDay) < Math.max(MIN_GROWTH / 4.0, rssPerDay / 4);
        return Optional.of("RSS " + Units.signedBytes((long) rssPerDay) + "/day for " + days(span)
                + (heapFlat ? ", heap flat" : ", heap " + Units.signedBytes((long) heapPerDay) + "/day"));
    }

    /**
     * What changed since the previous point and over the window: {@code RSS +120 MiB since the last run; threads
     * 220 → 940 over 7 days}; empty with a single point.
     */
    public Optional<String> change() {
        if (points.size() < 2) {
            return Optional.empty();
        }
        History.Point last = points.get(points.size() - 1);
        History.Point previous = points.get(points.size() - 2);
        History.Point first = points.get(0);
        StringBuilder out = new StringBuilder();
        if (last.rss() >= 0 && previous.rss() >= 0) {
            out.append("RSS ").append(Units.signedBytes(last.rss() - previous.rss())).append(" since the last run");
        }
        if (first.threads() > 0 && last.threads() >= 0 && (last.threads() - first.threads()) * 2 >= first.threads()
                && last.threads() - first.threads() >= 20) {
            out.append(out.isEmpty() ? "" : "; ").append("threads ").append(first.threads()).append(" → ")
                    .append(last.threads()).append(" over ").append(days(Duration.between(first.at(), last.at())));
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out.toString());
    }
}
