package dev.sage.snapshot;

/** A thread's state as {@code java.lang.Thread.State} names it, plus UNKNOWN when a format does not say. */
public enum ThreadState {
    NEW, RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, TERMINATED, UNKNOWN;

    /** The state named by {@code name} (e.g. {@code TIMED_WAITING}), or UNKNOWN. */
    public static ThreadState of(String name) {
        return switch (name) {
            case "NEW" -> NEW;
            case "RUNNABLE" -> RUNNABLE;
            case "BLOCKED" -> BLOCKED;
            case "WAITING" -> WAITING;
            case "TIMED_WAITING" -> TIMED_WAITING;
            case "TERMINATED" -> TERMINATED;
            default -> UNKNOWN;
        };
    }
}
