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
        return switch (format) {
            case json -> JsonReport.render(diagnosis, report.snapshot(), SnapshotDigest.of(report.snapshot()), report.reads());
            case slack -> SlackText.render(diagnosis, report.snapshot(), SnapshotDigest.of(report.snapshot()))
                    + ComparisonText.slack(diagnosis.comparison().orElse(null));
            case text -> TextReport.full(diagnosis, report.snapshot(), report.reads());
        };
    }
}
