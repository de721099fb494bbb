package dev.sage.digest;

import dev.sage.diagnosis.Finding;
import dev.sage.diagnosis.Severity;
import dev.sage.service.Report;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.snapshot.ProcessStatus;

import java.util.List;
import java.util.Optional;

/**
 * What a digest keeps of one target once it is judged: its figures and its findings' ids, never its captures.
 *
 * @param status its worst finding's severity, or unreachable
 * @param top its worst finding, if any above info
 * @param findingIds every finding's id, worst first
 * @param rssBytes resident memory, or -1
 * @param heapUsedBytes heap in use, or -1
 * @param heapCommittedBytes heap committed, or -1
 * @param threads live threads, or -1
 * @param unreachable why it could not be diagnosed, for an unreachable one; empty otherwise
 * @param growth steady growth over the history's window, in words ({@code RSS +310 MiB/day for 5 days, heap flat})
 * @param change what changed since the last run and over the window, in words
 * @param week its points in the history over the trend's window, this run's last (empty without a history)
 */
public record TargetSummary(FleetTarget target, Status status, Optional<Finding> top, List<String> findingIds,
                            long rssBytes, long heapUsedBytes, long heapCommittedBytes, int threads, String unreachable,
                            Optional<String> growth, Optional<String> change, List<dev.sage.history.History.Point> week) {
    public TargetSummary {
        findingIds = List.copyOf(findingIds);
        week = List.copyOf(week);
    }

    /**
     * With its history's trend: steady growth makes a target that looks healthy in one snapshot a warning, since no
     * single snapshot shows a slow climb.
     */
    public TargetSummary withTrend(dev.sage.history.Trend trend) {
        Optional<String> g = trend.growth();
        Status s = g.isPresent() && status == Status.HEALTHY ? Status.WARNING : status;
        return new TargetSummary(target, s, top, findingIds, rssBytes, heapUsedBytes, heapCommittedBytes, threads,
                unreachable, g, trend.change(), trend.points());
    }

    /** This target as a point of its history, at {@code at}, from {@code source} (a digest's name, or chat). */
    public dev.sage.history.History.Point point(java.time.Instant at, String source) {
        return new dev.sage.history.History.Point(at, source, target.service(), target.name(), status.label(), rssBytes,
                heapUsedBytes, heapCommittedBytes, threads, String.join(" ", findingIds));
    }

    /** Worst first. */
    public enum Status {
        CRITICAL, WARNING, UNREACHABLE, HEALTHY;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The figures and findings of a report. */
    public static TargetSummary of(FleetTarget target, Report report) {
        List<Finding> findings = report.diagnosis().findings();
        Optional<Finding> top = findings.stream().filter(f -> f.severity() != Severity.INFO).findFirst();
        Status status = top.map(f -> f.severity() == Severity.CRITICAL ? Status.CRITICAL : Status.WARNING)
                .orElse(Status.HEALTHY);
        JvmSnapshot s = report.snapshot();
        HeapInfo heap = s.heap();
        ProcessStatus process = s.process();
        int threads = s.lastThreadDump() != null ? s.lastThreadDump().threads().size()
                : process != null ? process.threads() : -1;
        return new TargetSummary(target, status, top, findings.stream().map(Finding::id).toList(),
                process == null ? -1 : process.vmRssBytes(), heap == null ? -1 : heap.usedBytes(),
                heap == null ? -1 : heap.committedBytes(), threads, "", Optional.empty(), Optional.empty(), List.of());
    }

    /** A target that could not be diagnosed, and why. */
    static TargetSummary unreachable(FleetTarget target, String why) {
        return new TargetSummary(target, Status.UNREACHABLE, Optional.empty(), List.of(), -1, -1, -1, -1, why,
                Optional.empty(), Optional.empty(), List.of());
    }
}
