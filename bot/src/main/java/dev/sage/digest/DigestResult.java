package dev.sage.digest;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a digest: a summary per target, and what could not even be listed.
 *
 * @param targets every target's summary, in the order they came in
 * @param problems what stopped part of the fleet from being listed or reached in time (a cluster that cannot be
 *     reached, the digest's deadline passing with targets still out)
 */
public record DigestResult(DigestSpec spec, Instant started, Duration took, List<TargetSummary> targets,
                           List<String> problems) {
    public DigestResult {
        targets = List.copyOf(targets);
        problems = List.copyOf(problems);
    }

    /** How many targets have each status. */
    public Map<TargetSummary.Status, Integer> counts() {
        Map<TargetSummary.Status, Integer> out = new EnumMap<>(TargetSummary.Status.class);
        for (TargetSummary.Status s : TargetSummary.Status.values()) {
            out.put(s, 0);
        }
        targets.forEach(t -> out.merge(t.status(), 1, Integer::sum));
        return out;
    }

    /** The targets of each service, worst service first, and within a service worst target first. */
    public Map<String, List<TargetSummary>> services() {
        Comparator<TargetSummary> worst = Comparator.comparing(TargetSummary::status)
                .thenComparing(t -> -t.rssBytes()).thenComparing(t -> t.target().name());
        Map<String, List<TargetSummary>> by = new LinkedHashMap<>();
        targets.stream().sorted(worst).forEach(t -> by.computeIfAbsent(t.target().service(), k -> new java.util.ArrayList<>())
                .add(t));
        return by;
    }
}
