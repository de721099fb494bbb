package dev.sage.transport;

import dev.sage.collect.Remedy;

import java.util.List;

/**
 * The target could not be reached or the command could not run: a message a person can act on, and a kind
 * a program can branch on. A command that ran and failed is not this: it is an {@link ExecResult}.
 *
 * <p>The message never names a command-line flag: what the person can do next is in {@link #remedies()}, and names
 * close to what was asked for (a pod typed with a typo) in {@link #candidates()}, for each front end to word and
 * offer its own way.
 */
public final class CollectionException extends Exception {

    public enum Kind {
        /** The command is not installed where it must run (e.g. no {@code jcmd} in the container). */
        COMMAND_NOT_FOUND,
        /** The command did not finish before its deadline and was killed. */
        TIMEOUT,
        /** The host, pod or container could not be reached. */
        UNREACHABLE,
        /** Authentication or authorisation failed. */
        PERMISSION,
        /** The target (process, pod) does not exist or went away. */
        TARGET_GONE,
        /** The target is there but is not what Sage can work with (not a JVM, attach disabled, ...). */
        UNSUPPORTED
    }

    private final Kind kind;
    private final List<Remedy> remedies;
    private final List<String> candidates;

    public CollectionException(Kind kind, String message) {
        this(kind, message, null, List.of(), List.of());
    }

    public CollectionException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, List.of(), List.of());
    }

    /**
     * @param remedies what the person can do next, in the order to offer them
     * @param candidates names close to the one asked for, nearest first (pods for "did you mean")
     */
    public CollectionException(Kind kind, String message, Throwable cause, List<Remedy> remedies, List<String> candidates) {
        super(message, cause);
        this.kind = kind;
        this.remedies = List.copyOf(remedies);
        this.candidates = List.copyOf(candidates);
    }

    public Kind kind() {
        return kind;
    }

    /** What the person can do next; empty when nothing but the message helps. */
    public List<Remedy> remedies() {
        return remedies;
    }

    /** Names close to the one asked for, nearest first; empty when none. */
    public List<String> candidates() {
        return candidates;
    }
}
