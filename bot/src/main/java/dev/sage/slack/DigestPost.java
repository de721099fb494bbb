package dev.sage.slack;

import dev.sage.digest.DigestResult;
import dev.sage.render.DigestText;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Posts a digest to its channel: the message, and under it the full table (CSV and text) when the fleet is longer
 * than the message shows. Stateless; thread-safe as {@link SlackWeb} is.
 */
public final class DigestPost {
    /** Past this many targets the table is attached even when every service fits in the message. */
    static final int TABLE_FROM = 10;

    private DigestPost() {}

    /** Posts {@code r} to its digest's channel; the message's ts, or empty when Slack refused it (logged). */
    public static Optional<String> post(SlackWeb web, DigestResult r) {
        return post(web, r, r.spec().channel(), null);
    }

    /** Posts {@code r} in {@code thread} of {@code channel} (null: at its top); the message's ts, or empty. */
    public static Optional<String> post(SlackWeb web, DigestResult r, String channel, String thread) {
        BlockKit.Message m = BlockKit.digest(r);
        Optional<String> ts = web.post(channel, thread, m);
        if (ts.isPresent() && (m.cut() || r.targets().size() > TABLE_FROM)) {
            web.upload(channel, thread == null ? ts.get() : thread, "Every JVM of the digest:", List.of(
                    new SlackWeb.Upload("fleet-" + r.spec().name() + ".csv", "Fleet table", DigestText.csv(r)
                            .getBytes(StandardCharsets.UTF_8)),
                    new SlackWeb.Upload("fleet-" + r.spec().name() + ".txt", "Fleet digest", DigestText.render(r)
                            .getBytes(StandardCharsets.UTF_8))));
        }
        return ts;
    }
}
