package dev.sage.cli;

import dev.sage.service.DiagnoseRequest;
import dev.sage.service.DiagnosisService;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The options that say which JVM a target names and how to reach it: shared by the commands that reach one. */
final class TargetOptions {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The pod's namespace (default: the kubeconfig context's, else 'default').")
    String namespace;

    @Option(names = {"-c", "--container"}, paramLabel = "CONTAINER",
            description = "The pod's container (default: the one running a JVM).")
    String container;

    @Option(names = "--context", paramLabel = "CONTEXT", description = "The kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--pid", paramLabel = "PID", description = "The JVM's pid on the host or in the container.")
    Long pid;

    @Option(names = "--main-class", paramLabel = "NAME", description = "Pick the JVM whose main class or jar contains NAME.")
    String mainClass;

    @Option(names = "--sudo-user", paramLabel = "USER",
            description = "Over SSH, run the commands as USER with 'sudo -n -u USER' (the JVM's user: jcmd attaches only as it).")
    String sudoUser;

    @Option(names = "--ssh-config", paramLabel = "FILE", description = "OpenSSH client config (default: ~/.ssh/config).")
    Path sshConfig = home(".ssh/config");

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "Host keys to trust (default: ~/.ssh/known_hosts).")
    Path knownHosts = home(".ssh/known_hosts");

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE",
            description = "Private key to offer (repeatable; default: ~/.ssh/id_ecdsa, id_rsa, and the config's IdentityFile).")
    List<Path> identities = new ArrayList<>();

    /** Whether a namespace was given: then a bare NAME is a pod. */
    boolean namespaced() {
        return namespace != null;
    }

    /** {@code request} with these options; {@code withPid} false leaves the pid out (another JVM than the one it names). */
    DiagnoseRequest applyTo(DiagnoseRequest request, boolean withPid) {
        return request.withNamespace(Optional.ofNullable(namespace))
                .withContainer(Optional.ofNullable(container))
                .withContext(Optional.ofNullable(context))
                .withJvm(withPid ? Optional.ofNullable(pid) : Optional.empty(), Optional.ofNullable(mainClass))
                .withSudoUser(Optional.ofNullable(sudoUser));
    }

    /** The service's settings from the environment, with these SSH options. */
    DiagnosisService.Settings settings() {
        return DiagnosisService.Settings.fromEnvironment()
                .withSsh(new DiagnosisService.SshSettings(sshConfig, knownHosts, identities));
    }

    private static Path home(String relative) {
        return Path.of(System.getProperty("user.home")).resolve(relative);
    }
}
