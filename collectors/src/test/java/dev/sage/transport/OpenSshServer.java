package dev.sage.transport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server (Debian's {@code /usr/sbin/sshd}) on a loopback port, with throwaway host and user
 * keys, for tests. Needs root (sshd switches to the user it authenticates) and openssh-server installed.
 */
public final class OpenSshServer implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    public final Path dir;
    public final int port;
    public final Path knownHosts;
    public final Path userKey;
    private final Process sshd;

    private OpenSshServer(Path dir, int port, Path knownHosts, Path userKey, Process sshd) {
        this.dir = dir;
        this.port = port;
        this.knownHosts = knownHosts;
        this.userKey = userKey;
        this.sshd = sshd;
    }

    public static boolean available() {
        return Files.isExecutable(SSHD) && "root".equals(System.getProperty("user.name"));
    }

    public static OpenSshServer start() throws Exception {
        Path dir = Files.createTempDirectory("sshd");
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", dir.resolve("host_key").toString());
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", dir.resolve("user_key").toString());
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host_key"),
                "PidFile none", "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "StrictModes no",
                "PermitRootLogin prohibit-password", "") );
        Files.createDirectories(Path.of("/run/sshd"));
        // -D: sshd stays a child of this JVM, so it is stopped on close() whatever happens
        Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-f", config.toString(), "-E", dir.resolve("sshd.log").toString())
                .redirectErrorStream(true).start();
        for (int i = 0; ; i++) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (i > 200 || !sshd.isAlive()) {
                    sshd.destroyForcibly();
                    throw new IllegalStateException("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
                }
                Thread.sleep(25);
            }
        }
        String hostKey = Files.readString(dir.resolve("host_key.pub")).strip();
        String[] parts = hostKey.split(" ");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
        return new OpenSshServer(dir, port, knownHosts, dir.resolve("user_key"), sshd);
    }

    public SshTransport transport(Path knownHostsFile) {
        return new SshTransport(new SshTransport.Target("root", "127.0.0.1", port), knownHostsFile, List.of(userKey),
                java.time.Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        dev.sage.transport.LocalTransport.killTree(sshd);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
