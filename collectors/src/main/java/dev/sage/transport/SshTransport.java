package dev.sage.transport;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Runs commands on a host over SSH (Apache MINA sshd client). SSH carries one command string, so every
 * argv goes through {@link ShellQuote}; nothing a user typed reaches the remote shell unquoted. Host keys are
 * checked strictly against a known_hosts file: an unknown or changed key is refused. Keys only, no passwords.
 * One session is opened on first use and reused; {@link #close()} ends it. Safe from several threads.
 */
public final class SshTransport implements Transport, AutoCloseable {
    /** Where to connect: user, host and port, each checked against its grammar. */
    public record Target(String user, String host, int port) {
        public Target {
            Names.user(user);
            Names.host(host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(port + " is not a TCP port");
            }
        }

        @Override
        public String toString() {
            return "ssh://" + user + "@" + host + (port == 22 ? "" : ":" + port);
        }
    }

    private final Target target;
    private final Path knownHosts;
    private final Duration connectTimeout;
    private final SshClient client;
    /** The host key last refused, and why, for the message. */
    private volatile String refusedKey = "";
    private ClientSession session;

    /** Connects as given, reading no ssh_config and using no agent. */
    public SshTransport(Target target, Path knownHosts, List<Path> identities, Duration connectTimeout) {
        this(target, knownHosts, identities, null, null, connectTimeout);
    }

    /**
     * @param identities private key files to offer, besides the IdentityFile lines of the config
     * @param sshConfig an OpenSSH client config (Host, HostName, Port, User, IdentityFile, ProxyJump), or null for none
     * @param agentSocket the unix socket of an ssh-agent whose keys are offered first, or null for none
     */
    public SshTransport(Target target, Path knownHosts, List<Path> identities, Path sshConfig, Path agentSocket,
                        Duration connectTimeout) {
        this.target = target;
        this.knownHosts = knownHosts;
        this.connectTimeout = connectTimeout;
        this.client = SshClient.setUpDefaultClient();
        KnownHostsServerKeyVerifier known = new KnownHostsServerKeyVerifier((session, remote, key) -> {
            refusedKey = describe(key) + " is not in " + knownHosts + " (unknown host)";
            return false;
        }, knownHosts);
        known.setModifiedServerKeyAcceptor((session, remote, entry, expected, actual) -> {
            refusedKey = describe(actual) + " is not the key " + knownHosts + " holds for it, " + describe(expected)
                    + " (the host key CHANGED: a reinstalled host, or someone in the middle)";
            return false;
        });
        client.setServerKeyVerifier(known);
        client.setKeyIdentityProvider(new FileKeyPairProvider(identities));
        if (agentSocket != null && UnixSshAgent.answers(agentSocket)) { // else the key files alone
            client.setAgentFactory(UnixSshAgent.factory(agentSocket));
        }
        client.setHostConfigEntryResolver(sshConfig != null && java.nio.file.Files.isRegularFile(sshConfig)
                ? new org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver(sshConfig)
                : org.apache.sshd.client.config.hosts.HostConfigEntryResolver.EMPTY);
        client.start();
    }

    /**
     * Connects to {@code host} the way {@code ssh} would: the user, port, host name, keys and jump hosts its
     * {@code Host} entry in {@code sshConfig} gives, unless given here; then the local user and port 22.
     * The keys of the ssh-agent at {@code SSH_AUTH_SOCK} are offered first, when it runs; then the default keys
     * ({@code ~/.ssh/id_ecdsa}, {@code id_rsa}, {@code id_ed25519}) when they exist.
     */
    public static SshTransport connect(Optional<String> user, String host, OptionalInt port, Path sshConfig, Path knownHosts,
                                       List<Path> identities, Duration connectTimeout) throws CollectionException {
        Names.host(host);
        user.ifPresent(Names::user);
        org.apache.sshd.client.config.hosts.HostConfigEntry entry = null;
        if (sshConfig != null && java.nio.file.Files.isRegularFile(sshConfig)) {
            try {
                entry = new org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver(sshConfig)
                        .resolveEffectiveHost(host, port.orElse(0), null, user.orElse(null), null, null);
            } catch (IOException | RuntimeException e) {
                throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "cannot read " + sshConfig + ": "
                        + e.getMessage(), e);
            }
        }
        String u = user.orElse(entry != null && entry.getUsername() != null && !entry.getUsername().isEmpty()
                ? entry.getUsername() : System.getProperty("user.name"));
        int p = port.orElse(entry != null && entry.getPort() > 0 ? entry.getPort() : 22);
        List<Path> keys = new java.util.ArrayList<>(identities);
        if (keys.isEmpty()) {
            Path home = Path.of(System.getProperty("user.home"), ".ssh");
            for (String name : List.of("id_ecdsa", "id_rsa", "id_ed25519")) {
                if (java.nio.file.Files.isReadable(home.resolve(name))) {
                    keys.add(home.resolve(name));
                }
            }
        }
        String agent = System.getenv("SSH_AUTH_SOCK");
        return new SshTransport(new Target(u, host, p), knownHosts, keys, sshConfig,
                agent == null || agent.isBlank() ? null : Path.of(agent), connectTimeout);
    }

    private static String describe(java.security.PublicKey key) {
        return org.apache.sshd.common.config.keys.KeyUtils.getKeyType(key) + " key "
                + org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(key);
    }

    @Override
    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        return ExecAudits.around(describe(), argv, stdin, () -> run(argv, stdin, timeout, outputCap));
    }

    private ExecResult run(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        long start = System.nanoTime();
        ClientSession s = session();
        Capped out = new Capped(outputCap);
        Capped err = new Capped(outputCap);
        try (ChannelExec channel = s.createExecChannel(ShellQuote.command(argv))) {
            channel.setIn(new ByteArrayInputStream(stdin));
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(timeout.toMillis());
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout.toMillis());
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                channel.close(true);
                throw new CollectionException(CollectionException.Kind.TIMEOUT, argv.get(0) + " on " + target
                        + " did not finish within " + LocalTransport.human(timeout) + " and was stopped");
            }
            Integer exit = channel.getExitStatus();
            return new ExecResult(exit == null ? -1 : exit, out.bytes(), new String(err.bytes(), StandardCharsets.UTF_8),
                    out.truncated || err.truncated, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new CollectionException(CollectionException.Kind.UNREACHABLE, "the SSH channel to " + target
                    + " failed: " + e.getMessage(), e);
        }
    }

    private synchronized ClientSession session() throws CollectionException {
        if (session != null && session.isOpen()) {
            return session;
        }
        try {
            ClientSession s = client.connect(target.user(), target.host(), target.port())
                    .verify(connectTimeout.toMillis()).getSession();
            try {
                s.auth().verify(connectTimeout.toMillis());
            } catch (IOException e) {
                s.close(true);
                throw e;
            }
            session = s;
            return s;
        } catch (IOException e) {
            throw classify(e);
        }
    }

    private CollectionException classify(IOException e) {
        String m = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            m = m + " " + t.getMessage();
        }
        if (m.contains("Server key did not validate")) {
            return new CollectionException(CollectionException.Kind.PERMISSION, "the host key of " + target.host() + ":"
                    + target.port() + " is not the one in " + knownHosts + " (unknown or changed): "
                    + (refusedKey.isEmpty() ? "" : "its " + refusedKey + ". ") + "Sage does not connect to a host it"
                    + " cannot verify. Check the key out of band, then put it in that file", e);
        }
        if (m.contains("No more authentication methods") || m.contains("authentication") || m.contains("Authentication")) {
            return new CollectionException(CollectionException.Kind.PERMISSION, target + " refused Sage's key for user "
                    + target.user() + ": add the public key to that user's authorized_keys", e);
        }
        if (m.contains("timeout") || m.contains("timed out")) {
            return new CollectionException(CollectionException.Kind.TIMEOUT, target + " did not answer within "
                    + LocalTransport.human(connectTimeout), e);
        }
        return new CollectionException(CollectionException.Kind.UNREACHABLE, "cannot reach " + target + ": "
                + e.getMessage(), e);
    }

    @Override
    public String describe() {
        return target.toString();
    }

    @Override
    public synchronized void close() {
        try {
            if (session != null) {
                session.close(true);
            }
        } finally {
            client.stop();
        }
    }

    /** An output stream that keeps at most {@code cap} bytes and notes what it dropped. */
    private static final class Capped extends OutputStream {
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final long cap;
        volatile boolean truncated;

        Capped(long cap) {
            this.cap = cap;
        }

        @Override
        public synchronized void write(int b) {
            if (kept.size() < cap) {
                kept.write(b);
            } else {
                truncated = true;
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            long room = cap - kept.size();
            if (room > 0) {
                kept.write(b, off, (int) Math.min(room, len));
            }
            if (len > room) {
                truncated = true;
            }
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }
    }
}
