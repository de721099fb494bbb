package dev.sage.cli;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.parse.SnapshotReader;
import dev.sage.render.JsonReport;
import dev.sage.render.SlackText;
import dev.sage.render.SnapshotDigest;
import dev.sage.render.TextReport;
import dev.sage.snapshot.JvmSnapshot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the diagnosis of a snapshot and renders it in the format asked for; shared by every command. */
final class Reports {
    enum Format { text, json, slack }

    /** Said in every report until the playbooks judge the figures, so that no finding never reads as "healthy". */
    static final String NOT_JUDGED = "findings: this build shows the figures only; the playbooks that judge them"
            + " (deadlock, thread leak, memory growth, ...) are not part of it yet";

    private Reports() {}

    static String render(Format format, String target, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                         Map<String, Duration> timings) {
        SnapshotDigest digest = SnapshotDigest.of(snapshot);
        String summary = digest.summaryLine();
        Map<String, Long> millis = new LinkedHashMap<>();
        timings.forEach((k, v) -> millis.put(k, v.toMillis()));
        Diagnosis diagnosis = new Diagnosis(target, snapshot.jvm() == null ? "" : snapshot.jvm().describe(),
                summary.isEmpty() ? "nothing to summarise" : summary, List.of(), List.of(NOT_JUDGED), millis);
        return switch (format) {
            case json -> JsonReport.render(diagnosis, snapshot, digest, reads);
            case slack -> SlackText.render(diagnosis, snapshot, digest);
            case text -> TextReport.render(diagnosis, snapshot, digest, reads) + timings(millis);
        };
    }

    private static String timings(Map<String, Long> millis) {
        if (millis.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nTimings:\n");
        millis.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "  %-28s %6d ms%n", k, v)));
        return sb.toString();
    }
}
