package dev.sage.slack;

import dev.sage.chart.TrendChart;
import dev.sage.digest.DigestResult;
import dev.sage.render.DigestText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Posts a digest to its channel: the message, and under it the week's chart and the full table (CSV and text) when
 * the fleet is longer than the message shows. Stateless; thread-safe as {@link SlackWeb} is.
 */
public final class DigestPost {
    /** Past this many targets the table is attached even when every service fits in the message. */
    static final int TABLE_FROM = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DigestPost.class);

    private DigestPost() {}

    /** Posts {@code r} to its digest's channel; the message's ts, or empty when Slack refused it (logged). */
    public static Optional<String> post(SlackWeb web, DigestResult r) {
        return post(web, r, r.spec().channel(), null);
    }

    /**
     * Posts {@code r} in {@code thread} of {@code channel} (null: at its top), and under it the week's chart once the
     * history has two runs to draw, and the full table when the message could not hold the fleet; the message's ts, or
     * empty. A chart that cannot be drawn is left out (logged): the digest stands without it.
     */
    public static Optional<String> post(SlackWeb web, DigestResult r, String channel, String thread) {
        BlockKit.Message m = BlockKit.digest(r);
        Optional<String> ts = web.post(channel, thread, m);
        if (ts.isEmpty()) {
            return ts;
        }
        List<SlackWeb.Upload> files = new ArrayList<>();
        try {
            TrendChart.png(r).ifPresent(png -> files.add(new SlackWeb.Upload("fleet-" + r.spec().name() + "-week.png",
                    "Memory per JVM over the week", png)));
        } catch (RuntimeException e) {
            LOG.warn("digest {}: the week's chart could not be drawn", r.spec().name(), e);
        }
        boolean table = m.cut() || r.targets().size() > TABLE_FROM;
        if (table) {
            files.add(new SlackWeb.Upload("fleet-" + r.spec().name() + ".csv", "Fleet table", DigestText.csv(r)
                    .getBytes(StandardCharsets.UTF_8)));
            files.add(new SlackWeb.Upload("fleet-" + r.spec().name() + ".txt", "Fleet digest", DigestText.render(r)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        if (!files.isEmpty()) {
            web.upload(channel, thread == null ? ts.get() : thread, table ? "The week, and every JVM of the digest:"
                    : "The week:", files);
        }
        return ts;
    }
}
