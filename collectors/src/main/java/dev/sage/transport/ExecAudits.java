package dev.sage.transport;

import java.time.Duration;
import java.util.List;

/**
 * The audit of the work a thread does ({@link #with}): a diagnosis runs on one thread, so every command it runs is
 * recorded against the request it serves. A front end that must audit (the bot) checks {@link #active} before it
 * starts work; with no audit set, commands run unrecorded (the CLI runs with its user's own credentials).
 */
public final class ExecAudits {
    private static final ThreadLocal<ExecAudit> CURRENT = new ThreadLocal<>();

    private ExecAudits() {}

    /** Work that returns a value. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** One command. */
    @FunctionalInterface
    public interface Command {
        ExecResult run() throws CollectionException;
    }

    /** Whether this thread's work is audited. */
    public static boolean active() {
        return CURRENT.get() != null;
    }

    /** Runs {@code work} with {@code audit} as this thread's audit. */
    public static <T, E extends Exception> T with(ExecAudit audit, Work<T, E> work) throws E {
        ExecAudit before = CURRENT.get();
        CURRENT.set(audit);
        try {
            return work.run();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /**
     * {@code work} as a task for another thread, under this thread's audit (none when this thread has none): work a
     * request hands to a helper thread stays on its record.
     */
    public static <T, E extends Exception> java.util.concurrent.Callable<T> carried(Work<T, E> work) {
        ExecAudit audit = CURRENT.get();
        return () -> audit == null ? work.run() : with(audit, work);
    }

    /** Runs {@code command} on {@code where} under this thread's audit: called by the transports that reach a target. */
    public static ExecResult around(String where, List<String> argv, byte[] stdin, Command command) throws CollectionException {
        ExecAudit audit = CURRENT.get();
        if (audit == null) {
            return command.run();
        }
        audit.before(where, argv, stdin);
        long start = System.nanoTime();
        try {
            ExecResult r = command.run();
            audit.after(where, argv, r.exitCode(), Duration.ofNanos(System.nanoTime() - start),
                    (long) r.stdout().length + r.stderr().length(), null);
            return r;
        } catch (CollectionException e) {
            audit.after(where, argv, -1, Duration.ofNanos(System.nanoTime() - start), 0, e);
            throw e;
        } catch (RuntimeException | Error e) {
            audit.after(where, argv, -1, Duration.ofNanos(System.nanoTime() - start), 0, new CollectionException(
                    CollectionException.Kind.UNSUPPORTED, "the transport failed: " + e.getClass().getSimpleName()));
            throw e;
        }
    }
}
