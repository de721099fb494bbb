package dev.sage.diagnosis;

import java.util.List;
import java.util.Map;

/**
 * What Sage concluded about one JVM. It knows nothing of Slack or terminals: renderers turn it into
 * Block Kit, text or JSON.
 *
 * @param target what was diagnosed
 * @param jvm the JVM in one line, or empty when unknown
 * @param summary the answer in one line
 * @param findings ranked by severity, then strength
 * @param notEvaluated what could not be judged, and why
 * @param timings milliseconds spent per step, in step order
 * @param notes how the target was found and reached, when that took a choice worth telling (a pod matched by
 *     prefix, the container picked among several, the sibling compared with)
 */
public record Diagnosis(String target, String jvm, String summary, List<Finding> findings, List<String> notEvaluated,
                        Map<String, Long> timings, List<String> notes) {
    public Diagnosis {
        findings = List.copyOf(findings);
        notEvaluated = List.copyOf(notEvaluated);
        notes = List.copyOf(notes);
        timings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timings));
    }
}
