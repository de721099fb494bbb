package dev.sage.cli;

import dev.sage.diagnosis.SnapshotDigest;
import dev.sage.render.ComparisonText;
import dev.sage.render.JsonReport;
import dev.sage.render.SlackText;
import dev.sage.render.TextReport;
import dev.sage.service.Report;


/** Renders a report in the format asked for on the command line; shared by every command. */
final class Reports {
    enum Format { text, json, slack }

    private Reports() {}

    static String render(Format format, Report report) {
        var diagnosis = report.diagnosis();
        SnapshotDigest digest = SnapshotDigest.of(report.snapshot());
        var comparison = diagnosis.comparison().orElse(null);
        return switch (format) {
            case json -> JsonReport.render(diagnosis, report.snapshot(), digest, report.reads());
            case slack -> SlackText.render(diagnosis, report.snapshot(), digest) + ComparisonText.slack(comparison);
            case text -> TextReport.render(diagnosis, report.snapshot(), digest, report.reads())
                    + ComparisonText.text(comparison) + TextReport.timings(diagnosis.timings());
        };
    }
}
