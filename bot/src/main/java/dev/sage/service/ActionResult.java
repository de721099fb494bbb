package dev.sage.service;

import dev.sage.parse.HeapInfoParser;
import dev.sage.parse.Kind;
import dev.sage.parse.ProcessStatusParser;
import dev.sage.parse.SnapshotReader;
import dev.sage.snapshot.HeapInfo;
import dev.sage.snapshot.PerfCounters;
import dev.sage.snapshot.Problem;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What an action did, measured: the JVM's answer, and its memory before and after.
 *
 * @param action what was run
 * @param report the collection around it (its raw captures hold the thread dump of {@link SafeAction#THREAD_DUMP})
 * @param answer what the JVM answered, when it ran
 * @param failure why it did not run (a JVM without the command, an attach that failed), when it did not
 * @param rssBefore the process's resident memory before, in bytes
 * @param rssAfter after
 * @param heapCommittedBefore the heap's committed size before, in bytes
 * @param heapCommittedAfter after
 * @param millis the command's round trip, attach included: an upper bound of the pause it caused
 * @param gcPauseSeconds the time the JVM's collectors spent between the looks before and after, when its counters say
 */
public record ActionResult(SafeAction action, Report report, Optional<String> answer, Optional<String> failure,
                           OptionalLong rssBefore, OptionalLong rssAfter, OptionalLong heapCommittedBefore,
                           OptionalLong heapCommittedAfter, OptionalLong millis, OptionalDouble gcPauseSeconds) {

    /** Reads what the collection around {@code action} found. Pure. */
    static ActionResult of(SafeAction action, String command, Report report) {
        List<SnapshotReader.Raw> raw = report.raw();
        Optional<String> answer = raw.stream().filter(r -> r.kind() == Kind.ACTION).map(SnapshotReader.Raw::text)
                .map(String::strip).findFirst();
        String source = "round 1: " + command;
        Optional<String> failure = answer.isPresent() ? Optional.empty() : report.snapshot().problems().stream()
                .filter(p -> p.source().equals(source)).map(Problem::message).findFirst();
        if (action == SafeAction.THREAD_DUMP) {
            failure = report.snapshot().lastThreadDump() != null ? Optional.empty() : Optional.of(report.snapshot().problems()
                    .stream().filter(p -> p.source().startsWith("round 1: Thread.print")).map(Problem::message).findFirst()
                    .orElse("no thread dump came back"));
        } else if (answer.isEmpty() && failure.isEmpty()) {
            failure = Optional.of("the JVM gave no answer");
        } else if (answer.isPresent() && !succeeded(action, answer.get())) {
            // the JVM ran the command and said why it could not do it ("File exists", "Not available")
            failure = Optional.of("the JVM answered: " + answer.get());
            answer = Optional.empty();
        }
        Long ms = report.diagnosis().timings().get("action " + command);
        List<PerfCounters> perf = report.snapshot().perfCounters();
        OptionalDouble pause = perf.size() >= 2 && action != SafeAction.TRIM_NATIVE_HEAP
                ? OptionalDouble.of(Math.max(0, perf.get(perf.size() - 1).gcSeconds() - perf.get(0).gcSeconds()))
                : OptionalDouble.empty();
        return new ActionResult(action, report, answer, failure, rss(raw, 1), rss(raw, 2), committed(raw, 1),
                committed(raw, 2), ms == null ? OptionalLong.empty() : OptionalLong.of(ms), pause);
    }

    /** Whether the JVM's answer says the action was done; each command words success its own way. */
    private static boolean succeeded(SafeAction action, String answer) {
        return switch (action) {
            case HEAP_DUMP -> answer.contains("Heap dump file created");
            case TRIM_NATIVE_HEAP -> !answer.contains("Not available") && !answer.toLowerCase(java.util.Locale.ROOT)
                    .contains("not supported");
            default -> true;
        };
    }

    private static OptionalLong rss(List<SnapshotReader.Raw> raw, int round) {
        return raw.stream().filter(r -> r.kind() == Kind.PROCESS_STATUS && r.source().startsWith("round " + round + ":"))
                .map(r -> ProcessStatusParser.parse(r.text()).vmRssBytes()).filter(b -> b >= 0)
                .mapToLong(Long::longValue).findFirst();
    }

    private static OptionalLong committed(List<SnapshotReader.Raw> raw, int round) {
        return raw.stream().filter(r -> r.kind() == Kind.HEAP_INFO && r.source().startsWith("round " + round + ":"))
                .map(r -> HeapInfoParser.parse(r.text())).filter(h -> h != null).mapToLong(HeapInfo::committedBytes)
                .filter(b -> b >= 0).findFirst();
    }
}
