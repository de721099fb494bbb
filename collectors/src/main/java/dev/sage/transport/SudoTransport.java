package dev.sage.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every command as another user with {@code sudo -n -u USER --}, on the host another transport reaches: for a
 * JVM that runs as a service user Sage does not log in as (jcmd attaches only as the JVM's own user). {@code -n}
 * never prompts: a sudo that wants a password is refused with what to configure. Thread-safe as the transport it
 * wraps is.
 */
public final class SudoTransport implements Transport {
    private final Transport inner;
    private final String user;

    public SudoTransport(Transport inner, String user) {
        this.inner = inner;
        this.user = Names.user(user);
    }

    @Override
    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        List<String> sudo = new ArrayList<>(List.of("sudo", "-n", "-u", user, "--"));
        sudo.addAll(argv);
        ExecResult r = inner.exec(sudo, stdin, timeout, outputCap);
        String err = r.stderr();
        if (r.exitCode() == 1 && (err.contains("a password is required") || err.contains("a terminal is required"))) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "sudo on " + inner.describe()
                    + " wants a password to run " + argv.get(0) + " as " + user + ", and Sage never types one: allow it in"
                    + " sudoers without a password (NOPASSWD), for jcmd and sh at least");
        }
        if (r.exitCode() == 1 && (err.contains("is not allowed to") || err.contains("is not in the sudoers")
                || err.contains("unknown user"))) {
            throw new CollectionException(CollectionException.Kind.PERMISSION, "sudo on " + inner.describe() + " refused to run "
                    + argv.get(0) + " as " + user + ": " + err.strip());
        }
        if (r.exitCode() == 127 && r.stdout().length == 0 && err.contains("sudo")) {
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND, "sudo is not installed on " + inner.describe());
        }
        return r;
    }

    @Override
    public String describe() {
        return inner.describe() + " as " + user;
    }
}
