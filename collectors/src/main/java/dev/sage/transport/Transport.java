package dev.sage.transport;

import java.time.Duration;
import java.util.List;

/**
 * Runs one command where the target JVM lives. Argv only: no argument is ever given to a shell unquoted.
 *
 * <p>Every call has a deadline: a command still running at {@code timeout} is killed with everything it
 * started, and the call throws {@link CollectionException.Kind#TIMEOUT}. Output past {@code outputCap} bytes
 * is dropped (the command keeps running to its end) and the result says {@link ExecResult#truncated()}.
 * Implementations are safe to call from several threads.
 */
public interface Transport {

    /**
     * @param argv the program and its arguments
     * @param stdin bytes fed to standard input, then closed; empty for none
     * @param timeout the deadline for the whole command
     * @param outputCap the most bytes kept of standard output, and of standard error
     * @throws CollectionException when the command cannot start, times out, or the target cannot be reached
     */
    ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException;

    /** Where commands run, for messages: {@code local}, {@code ssh://app@host}, {@code pod/payments-7d9f8 -n prod}. */
    String describe();

    /**
     * True when commands run on this machine as this JVM's own user, so that a file or socket Sage opens itself is the
     * one a command would open: Sage can then speak to the attach socket of a JVM of that same user without jcmd.
     */
    default boolean sameMachineAndUser() {
        return false;
    }
}
