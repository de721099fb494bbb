package dev.sage.collect;

import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Sage's own attach client against real JVMs, and against sockets that are not a JVM's. */
class HotSpotAttachTest {
    private static final long UID = ((Number) uid()).longValue();

    private static Object uid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aJvmNotYetListeningIsAskedToAndAnswersLikeJcmd() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            Path socket = Path.of("/tmp/.java_pid" + jvm.pid());
            Files.deleteIfExists(socket); // a dead JVM of the same pid may have left one
            HotSpotAttach attach = new HotSpotAttach(jvm.pid(), List.of(), UID);

            ExecResult version = attach.jcmd("VM.version", Duration.ofSeconds(20), 1 << 20);
            assertThat(version.exitCode()).isZero();
            assertThat(version.stdoutText()).contains("JDK " + Runtime.version().feature());
            assertThat(Files.exists(socket)).as("the JVM listens now").isTrue();
            assertThat(Path.of("/proc/" + jvm.pid() + "/cwd/.attach_pid" + jvm.pid())).doesNotExist();
            assertThat(Path.of("/tmp/.attach_pid" + jvm.pid())).doesNotExist();

            ExecResult histogram = attach.jcmd("GC.class_histogram", Duration.ofSeconds(20), 1 << 20);
            assertThat(histogram.stdoutText()).contains("java.lang.String");

            ExecResult unknown = attach.jcmd("No.such_command", Duration.ofSeconds(20), 1 << 20);
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.stdoutText()).contains("Unknown diagnostic command");

            ExecResult cut = attach.jcmd("GC.class_histogram", Duration.ofSeconds(20), 1000);
            assertThat(cut.truncated()).isTrue();
            assertThat(cut.stdout()).hasSizeLessThanOrEqualTo(1000);
            assertThat(jvm.process().isAlive()).isTrue();
        }
    }

    @Test
    void aJdk25JvmAnswersToo() throws Exception {
        assumeTrue(ScenarioJvm.jdk25Present(), "a JDK 25 at " + ScenarioJvm.JDK25);
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.JDK25, "idle", List.of())) {
            ExecResult r = new HotSpotAttach(jvm.pid(), List.of(), UID).jcmd("VM.version", Duration.ofSeconds(20), 1 << 20);
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdoutText()).contains("JDK 25");
        }
    }

    @Test
    void aSocketThatIsNotTheJvmUsersOwnIsNeverUsed(@TempDir Path tmp) throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start("idle");
             ServerSocketChannel planted = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            planted.bind(UnixDomainSocketAddress.of(tmp.resolve(".java_pid" + jvm.pid())));
            planted.configureBlocking(false);
            // the JVM runs as another user than the socket's owner: the socket is someone else's
            HotSpotAttach attach = new HotSpotAttach(jvm.pid(), List.of(), UID + 4242, tmp);
            assertThatThrownBy(() -> attach.jcmd("VM.version", Duration.ofSeconds(1), 1 << 20))
                    .isInstanceOf(CollectionException.class)
                    .hasMessageContaining("belongs to uid " + UID + ", not to the JVM's uid " + (UID + 4242))
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);
            assertThat(planted.accept()).as("nothing connected to the planted socket").isNull();
            Thread.sleep(300);
            assertThat(jvm.output()).as("not signalled").noneMatch(l -> l.startsWith("Full thread dump"));
            assertThat(tmp.resolve(".attach_pid" + jvm.pid())).doesNotExist();
            assertThat(Path.of("/proc/" + jvm.pid() + "/cwd/.attach_pid" + jvm.pid())).doesNotExist();
        }
    }

    @Test
    void aProcessThatWouldDieOfTheSignalIsNotSignalled(@TempDir Path tmp) throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start(); // SIGQUIT kills it, as it kills a JVM run with -Xrs
        try {
            assertThatThrownBy(() -> new HotSpotAttach(sleep.pid(), List.of(), UID, tmp).jcmd("VM.version", Duration.ofSeconds(2), 1 << 20))
                    .hasMessage("pid " + sleep.pid() + " does not catch SIGQUIT now (started with -Xrs, or no longer a JVM):"
                            + " Sage did not signal it to start its attach listener")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.UNSUPPORTED);
            Thread.sleep(200);
            assertThat(sleep.isAlive()).isTrue();
            assertThat(Path.of("/proc/" + sleep.pid() + "/cwd/.attach_pid" + sleep.pid())).doesNotExist();
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aListenerThatNeverAnswersIsLeftAtTheDeadline(@TempDir Path tmp) throws Exception {
        long pid = ProcessHandle.current().pid();
        try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            silent.bind(UnixDomainSocketAddress.of(tmp.resolve(".java_pid" + pid)));
            HotSpotAttach attach = new HotSpotAttach(pid, List.of(), UID, tmp);
            long start = System.nanoTime();
            assertThatThrownBy(() -> attach.jcmd("Thread.print", Duration.ofMillis(500), 1 << 20))
                    .isInstanceOf(CollectionException.class)
                    .hasMessage("pid " + pid + " did not answer Thread.print within 500 ms")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            try (SocketChannel accepted = silent.accept()) {
                assertThat(accepted).as("it did connect").isNotNull();
            }
        }
    }

    @Test
    void aListenerThatClosesWithoutAnAnswerIsARefusal(@TempDir Path tmp) throws Exception {
        long pid = ProcessHandle.current().pid();
        try (ServerSocketChannel closing = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            closing.bind(UnixDomainSocketAddress.of(tmp.resolve(".java_pid" + pid)));
            Thread refuser = new Thread(() -> {
                try (SocketChannel c = closing.accept()) {
                    // closed at once, as a JVM closes a connection from a user it does not answer
                } catch (java.io.IOException e) {
                    // the test ended
                }
            });
            refuser.start();
            assertThatThrownBy(() -> new HotSpotAttach(pid, List.of(), UID, tmp).jcmd("VM.version", Duration.ofSeconds(5), 1 << 20))
                    .hasMessage("pid " + pid + " closed the attach connection without answering VM.version (a JVM answers"
                            + " only its own user and group; or it is exiting)")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(CollectionException.Kind.PERMISSION);
            refuser.join(5000);
        }
    }
}
