package dev.sage.check;

import dev.sage.snapshot.JvmSnapshot;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named condition over a snapshot, with typed parameters. Pure: no I/O, no state; safe from any thread.
 * {@link #evaluate} is called only when every {@link #requires() requirement} is met.
 */
public interface Check {
    /** The name used in a playbook's {@code when}, e.g. {@code threads_waiting_on_same_lock}. */
    String name();

    /** One line: what the check looks for. */
    String description();

    List<Param> params();

    /** The captures the check needs. */
    Set<Requirement> requires();

    /** The figures a match gives to evidence templates. */
    List<String> figures();

    /** A match when the condition holds, empty when it does not. */
    Optional<Match> evaluate(JvmSnapshot snapshot, Params params);
}
