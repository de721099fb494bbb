package dev.sage.slack;

import dev.sage.chart.MemoryChart;
import dev.sage.render.TextReport;
import dev.sage.service.Report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reply attaches: the memory chart, the raw captures and the full text report, drawn and redacted once however
 * many threads get the same report (a diagnosis that others joined). Thread-safe: each part is made once, under the
 * object's lock, by whichever thread asks first.
 */
final class Attachments {
    private final Report report;
    private String text;
    private List<SlackWeb.Upload> files;

    Attachments(Report report) {
        this.report = report;
    }

    /** The full text report, credentials redacted: what "Show raw" hands out. */
    synchronized String text() {
        if (text == null) {
            text = Redaction.redact(TextReport.full(report.diagnosis(), report.snapshot(), report.reads()));
        }
        return text;
    }

    /** The chart and the raw captures, and the full report when the reply's blocks were {@code cut}. */
    synchronized List<SlackWeb.Upload> files(boolean cut) {
        if (files == null) {
            List<SlackWeb.Upload> out = new ArrayList<>();
            MemoryChart.breakdown(report.snapshot()).ifPresent(b -> out.add(new SlackWeb.Upload("memory.png",
                    "Where the memory goes", MemoryChart.png(b, "Memory of " + report.diagnosis().target()))));
            out.addAll(RawFiles.of(report.raw()));
            files = List.copyOf(out);
        }
        if (!cut) {
            return files;
        }
        List<SlackWeb.Upload> all = new ArrayList<>(files);
        all.add(new SlackWeb.Upload("sage-report.txt", "Sage report", text().getBytes(StandardCharsets.UTF_8)));
        return all;
    }
}
