package dev.sage.transport;

import java.time.Duration;
import java.util.List;

/**
 * The record of every command Sage runs on a target, kept by whoever asked for the work (the bot keeps one per
 * request). The transports that reach a target (local, SSH, Kubernetes exec) call it around each command through
 * {@link ExecAudits}: {@link #before} first, and a failure there refuses the command, so that nothing runs unaudited;
 * {@link #after} with the outcome. Implementations must be thread-safe.
 */
public interface ExecAudit {
    /**
     * Before {@code argv} runs on {@code where}.
     *
     * @throws CollectionException when the record cannot be written: the command is then not run
     */
    void before(String where, List<String> argv, byte[] stdin) throws CollectionException;

    /**
     * After it ran, or failed to.
     *
     * @param exitCode its exit code, or -1 when it did not complete
     * @param bytes the bytes of its output
     * @param failure why it did not complete, or null
     */
    void after(String where, List<String> argv, int exitCode, Duration took, long bytes, CollectionException failure);
}
