package dev.sage.diagnosis;

import java.util.List;

/**
 * One conclusion about a JVM.
 *
 * @param id the finding id from the public vocabulary ({@code deadlock}, {@code thread-leak}, ...)
 * @param severity how bad it is
 * @param title one line for a person
 * @param evidence the figures and stack lines that prove it
 * @param fixes concrete things to change
 * @param playbook the id of the playbook that produced it
 */
public record Finding(String id, Severity severity, String title, List<String> evidence, List<String> fixes,
                      String playbook) {
    public Finding {
        evidence = List.copyOf(evidence);
        fixes = List.copyOf(fixes);
    }
}
