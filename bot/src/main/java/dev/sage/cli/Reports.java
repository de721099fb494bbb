package dev.sage.cli;

import dev.sage.diagnosis.Diagnosis;
import dev.sage.engine.Comparison;
import dev.sage.engine.Engine;
import dev.sage.render.ComparisonText;
import dev.sage.playbook.PlaybookLoader;
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


    /** The built-in catalogue, loaded once. */
    static final PlaybookLoader.Loaded PLAYBOOKS = PlaybookLoader.builtins();

    private Reports() {}

    /**
     * The built-ins with the team directories configured in {@code SAGE_PLAYBOOKS} (paths separated by ':')
     * and then those given on the command line, or just the built-ins.
     */
    static PlaybookLoader.Loaded playbooks(List<java.nio.file.Path> teamDirs) {
        List<java.nio.file.Path> dirs = new java.util.ArrayList<>();
        String configured = System.getenv("SAGE_PLAYBOOKS");
        if (configured != null) {
            for (String d : configured.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(java.nio.file.Path.of(d.strip()));
                }
            }
        }
        dirs.addAll(teamDirs);
        return dirs.isEmpty() ? PLAYBOOKS : PlaybookLoader.withTeamDirectories(dirs);
    }

    static String render(Format format, String target, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                         Map<String, Duration> timings) {
        return render(format, target, snapshot, reads, timings, PLAYBOOKS);
    }

    static String render(Format format, String target, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                         Map<String, Duration> timings, PlaybookLoader.Loaded playbooks) {
        return render(format, target, snapshot, reads, timings, playbooks, null);
    }

    static String render(Format format, String target, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                         Map<String, Duration> timings, PlaybookLoader.Loaded playbooks, JvmSnapshot sibling) {
        return render(format, target, snapshot, reads, timings, playbooks, sibling, List.of());
    }

    /**
     * With {@code sibling} (a healthy JVM of the same service, or null) the report says what differs; {@code notes}
     * say how the target was found.
     */
    static String render(Format format, String target, JvmSnapshot snapshot, List<SnapshotReader.Read> reads,
                         Map<String, Duration> timings, PlaybookLoader.Loaded playbooks, JvmSnapshot sibling,
                         List<String> notes) {
        SnapshotDigest digest = SnapshotDigest.of(snapshot);
        String summary = digest.summaryLine();
        Map<String, Long> millis = new LinkedHashMap<>();
        timings.forEach((k, v) -> millis.put(k, v.toMillis()));
        long t0 = System.nanoTime();
        Engine.Result judged = new Engine(playbooks.playbooks()).run(snapshot);
        millis.put("playbooks", (System.nanoTime() - t0) / 1_000_000);
        List<String> notEvaluated = new java.util.ArrayList<>(judged.notEvaluated());
        playbooks.errors().forEach(e -> notEvaluated.add("playbook refused: " + e));
        String headline = judged.findings().isEmpty() ? "no finding; " + summary
                : judged.findings().get(0).title() + (judged.findings().size() > 1
                ? " (+" + (judged.findings().size() - 1) + " more)" : "") + "; " + summary;
        Diagnosis diagnosis = new Diagnosis(target, snapshot.jvm() == null ? "" : snapshot.jvm().describe(),
                summary.isEmpty() ? "nothing to summarise" : headline, judged.findings(), notEvaluated, millis, notes);
        Comparison comparison = sibling == null ? null : Comparison.of(snapshot, sibling);
        return switch (format) {
            case json -> JsonReport.render(diagnosis, snapshot, digest, reads, comparison);
            case slack -> SlackText.render(diagnosis, snapshot, digest) + ComparisonText.slack(comparison);
            case text -> TextReport.render(diagnosis, snapshot, digest, reads) + ComparisonText.text(comparison) + timings(millis);
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
