package dev.sage.transport;

/**
 * The target could not be reached or the command could not run: a message a person can act on, and a kind
 * a program can branch on. A command that ran and failed is not this: it is an {@link ExecResult}.
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

    public CollectionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CollectionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
