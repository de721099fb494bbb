package dev.sage.transport;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.JvmSnapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** SshTransport against a real OpenSSH server on loopback, and a real JVM collected through it. */
class SshTransportTest {
    static OpenSshServer server;

    @BeforeAll
    static void startServer() throws Exception {
        assumeTrue(OpenSshServer.available(), "needs root and /usr/sbin/sshd (openssh-server)");
        server = OpenSshServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void argumentsArriveExactlyThroughTheRemoteShell() throws Exception {
        Path marker = server.dir.resolve("MARKER");
        String hostile = "a'b\"c $(touch " + marker + ") `touch " + marker + "`; touch " + marker + " \\ * ~ \n end";
        try (SshTransport ssh = server.transport(server.knownHosts)) {
            ExecResult r = ssh.exec(List.of("printf", "%s", hostile), new byte[0], Duration.ofSeconds(10), 1 << 20);
            assertThat(r.exitCode()).isZero();
            assertThat(new String(r.stdout(), StandardCharsets.UTF_8)).isEqualTo(hostile);
            assertThat(marker).doesNotExist();
            ExecResult cat = ssh.exec(List.of("cat"), "fed on stdin".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10), 1 << 20);
            assertThat(cat.stdoutText()).isEqualTo("fed on stdin");
        }
    }

    @Test
    void anUnknownHostKeyIsRefused() throws Exception {
        Path empty = Files.createTempFile("known_hosts", "");
        try (SshTransport ssh = server.transport(empty)) {
            assertThatThrownBy(() -> ssh.exec(List.of("true"), new byte[0], Duration.ofSeconds(10), 1024))
                    .isInstanceOf(CollectionException.class)
                    .hasMessageContaining("is not the one in " + empty + " (unknown or changed)")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);
        }
    }

    @Test
    void aCommandPastItsDeadlineIsStopped() throws Exception {
        try (SshTransport ssh = server.transport(server.knownHosts)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ssh.exec(List.of("sleep", "30"), new byte[0], Duration.ofSeconds(1), 1024))
                    .hasMessageEndingWith("did not finish within 1 s and was stopped");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anUnreachablePortSaysSo() throws Exception {
        try (SshTransport ssh = new SshTransport(new SshTransport.Target("root", "127.0.0.1", 1), server.knownHosts,
                List.of(server.userKey), Duration.ofSeconds(3))) {
            assertThatThrownBy(() -> ssh.exec(List.of("true"), new byte[0], Duration.ofSeconds(3), 1024))
                    .hasMessageStartingWith("cannot reach ssh://root@127.0.0.1:1")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.UNREACHABLE);
        }
    }

    @Test
    void aRealJvmIsDiagnosedOverSsh() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors"); SshTransport ssh = server.transport(server.knownHosts)) {
            Collector.Result r = new Collector(ssh).collect(jvm.pid(), CollectionPlan.defaults().withoutHistogram());
            JvmSnapshot s = r.snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks()).singleElement()
                    .satisfies(d -> assertThat(d.threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B"));
            assertThat(s.process().pid()).isEqualTo(jvm.pid());
        }
    }

    @Test
    void anEd25519KeyIsAccepted() throws Exception {
        Path key = server.dir.resolve("ed25519_key");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start();
        assertThat(keygen.waitFor()).isZero();
        Files.writeString(server.dir.resolve("authorized_keys"), Files.readString(server.dir.resolve("ed25519_key.pub")),
                java.nio.file.StandardOpenOption.APPEND);
        try (SshTransport ssh = new SshTransport(new SshTransport.Target("root", "127.0.0.1", server.port), server.knownHosts,
                List.of(key), Duration.ofSeconds(10))) {
            assertThat(ssh.exec(List.of("echo", "ed25519"), new byte[0], Duration.ofSeconds(10), 1024).stdoutText())
                    .isEqualTo("ed25519\n");
        }
    }

    @Test
    void aHostBehindAJumpHostIsReachedThroughSshConfigProxyJump() throws Exception {
        Path jumpLog = server.dir.resolve("sshd.log");
        int logBefore = Files.readString(jumpLog).length();
        try (OpenSshServer target = OpenSshServer.start()) {
            Path config = server.dir.resolve("ssh_config_jump");
            Files.writeString(config, String.join("\n",
                    "Host bastion",
                    "  HostName 127.0.0.1",
                    "  Port " + server.port,
                    "  User root",
                    "  IdentityFile " + server.userKey,
                    "Host app-behind",
                    "  HostName 127.0.0.1",
                    "  Port " + target.port,
                    "  User root",
                    "  IdentityFile " + target.userKey,
                    "  ProxyJump bastion",
                    ""));
            Path knownHosts = server.dir.resolve("known_hosts_both");
            Files.writeString(knownHosts, Files.readString(server.knownHosts) + Files.readString(target.knownHosts));
            try (SshTransport ssh = SshTransport.connect(java.util.Optional.empty(), "app-behind", java.util.OptionalInt.empty(),
                    config, knownHosts, List.of(), Duration.ofSeconds(10))) {
                assertThat(ssh.describe()).isEqualTo("ssh://root@app-behind:" + target.port);
                ExecResult r = ssh.exec(List.of("cat", target.dir.resolve("sshd_config").toString()), new byte[0],
                        Duration.ofSeconds(10), 1 << 16);
                assertThat(r.stdoutText()).as("ran on the host behind the jump").contains("Port " + target.port);
            }
            assertThat(Files.readString(jumpLog).substring(logBefore)).as("the jump host was logged into on the way")
                    .contains("Accepted publickey for root");
        }
    }

    @Test
    void theKeysOfARunningSshAgentAreUsed() throws Exception {
        Path socket = server.dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(20);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", server.userKey.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process added = add.start();
            assertThat(added.waitFor()).as(new String(added.getInputStream().readAllBytes())).isZero();
            try (SshTransport ssh = new SshTransport(new SshTransport.Target("root", "127.0.0.1", server.port),
                    server.knownHosts, List.of(), null, socket, Duration.ofSeconds(10))) {
                assertThat(ssh.exec(List.of("echo", "agent"), new byte[0], Duration.ofSeconds(10), 1024).stdoutText())
                        .isEqualTo("agent\n");
            }
            Path stale = server.dir.resolve("stale-agent.sock");
            try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                dead.bind(java.net.UnixDomainSocketAddress.of(stale)); // closed at once: the file stays, nobody answers
            }
            try (SshTransport keyFile = new SshTransport(new SshTransport.Target("root", "127.0.0.1", server.port),
                    server.knownHosts, List.of(server.userKey), null, stale, Duration.ofSeconds(10))) {
                assertThat(keyFile.exec(List.of("echo", "key file"), new byte[0], Duration.ofSeconds(10), 1024).stdoutText())
                        .as("a dead agent socket does not stop the key files").isEqualTo("key file\n");
            }
            try (SshTransport none = new SshTransport(new SshTransport.Target("root", "127.0.0.1", server.port),
                    server.knownHosts, List.of(), null, null, Duration.ofSeconds(10))) {
                assertThatThrownBy(() -> none.exec(List.of("true"), new byte[0], Duration.ofSeconds(10), 1024))
                        .as("without the agent there is no key").hasMessageContaining("refused Sage's key");
            }
        } finally {
            LocalTransport.killTree(agent);
        }
    }
}
