package dev.sage.transport;

import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys of a running ssh-agent, over its unix socket ({@code SSH_AUTH_SOCK}) with the JDK's own unix-domain
 * sockets: MINA speaks the agent protocol, this class only carries its messages. Keys never leave the agent; it signs.
 * Agent forwarding is not offered.
 */
final class UnixSshAgent extends AbstractAgentProxy {
    /** The most an agent answer may hold: a list of keys, or one signature. */
    private static final int MAX_ANSWER = 256 * 1024;

    private final SocketChannel channel;

    private UnixSshAgent(Path socket) throws IOException {
        super(null);
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot reach the ssh-agent at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Whether an agent answers at {@code socket}: a stale {@code SSH_AUTH_SOCK} (an old tmux shell's) is common. */
    static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A factory giving each SSH session a connection to the agent at {@code socket}. */
    static SshAgentFactory factory(Path socket) {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of();
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
                return new UnixSshAgent(socket);
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) throws IOException {
                throw new IOException("Sage does not forward its ssh-agent");
            }
        };
    }

    /** Sends one framed request and returns the answer after its length: type byte first. */
    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer length = readFully(ByteBuffer.allocate(4));
        int n = length.getInt(0);
        if (n <= 0 || n > MAX_ANSWER) {
            throw new IOException("the ssh-agent sent an answer of " + n + " bytes");
        }
        return new ByteArrayBuffer(readFully(ByteBuffer.allocate(n)).array());
    }

    private ByteBuffer readFully(ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("the ssh-agent closed the connection");
            }
        }
        return into;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            channel.close();
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }
}
