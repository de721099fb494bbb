package dev.sage.diagnosis;

import dev.sage.collect.Remedy;

import java.util.List;

/**
 * Playbooks that could not judge, and why: {@code thread-leak, cache-growth: needs two thread dumps of one JVM}.
 *
 * @param what the playbooks and what they needed, in words that name no front end's flags
 * @param remedies what would let them judge next time, for each front end to word (a flag, a button)
 */
public record NotEvaluated(String what, List<Remedy> remedies) {
    public NotEvaluated {
        remedies = List.copyOf(remedies);
    }

    /** Nothing Sage can do about it but say so (a playbook file refused, say). */
    public static NotEvaluated because(String what) {
        return new NotEvaluated(what, List.of());
    }
}
