package dev.sage.diagnosis;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Sage concluded about one JVM. It knows nothing of Slack or terminals: renderers turn it into
 * Block Kit, text or JSON.
 *
 * @param target what was diagnosed
 * @param jvm the JVM in one line, or empty when unknown
 * @param summary the answer in one line
 * @param findings ranked by severity, then strength
 * @param notEvaluated what could not be judged, why, and what would let it be judged
 * @param timings milliseconds spent per step, in step order
 * @param notes how the target was found and reached, when that took a choice worth telling (a pod matched by
 *     prefix, the container picked among several, the sibling compared with)
 * @param comparison what differs from a healthy sibling of the same service, when one was compared with
 */
public record Diagnosis(String target, String jvm, String summary, List<Finding> findings, List<NotEvaluated> notEvaluated,
                        Map<String, Long> timings, List<String> notes, Optional<Comparison> comparison) {
    public Diagnosis {
        findings = List.copyOf(findings);
        notEvaluated = List.copyOf(notEvaluated);
        notes = List.copyOf(notes);
        timings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timings));
    }

    /** The first finding's title, and how many more there are: {@code Thread leak: ... (+1 more)}, or {@code no finding}. */
    public String headline() {
        return headline(findings);
    }

    /** As {@link #headline()}, for findings not yet in a diagnosis. */
    public static String headline(List<Finding> findings) {
        return findings.isEmpty() ? "no finding"
                : findings.get(0).title() + (findings.size() > 1 ? " (+" + (findings.size() - 1) + " more)" : "");
    }
}
