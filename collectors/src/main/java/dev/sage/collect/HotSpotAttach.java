package dev.sage.collect;

import dev.sage.parse.PerfDataDecoder;
import dev.sage.parse.ProcessStatusParser;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecResult;
import dev.sage.transport.LocalTransport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HotSpot's attach protocol spoken from this JVM to a JVM on the same Linux machine: what {@code jcmd} does, without
 * starting a second JVM for it (about 0.2 s of a one-round diagnosis). The JVM listens on {@code .java_pid<NSPID>} in
 * its own {@code /tmp} (reached through {@code /proc/PID/root}); a JVM not yet listening is asked to start, as jcmd
 * and jattach ask, with a {@code .attach_pid<NSPID>} file and SIGQUIT. It runs as the JVM's own user and group
 * ({@link #sameUserAndGroup}): a JVM answers no one else (root only on some JDKs). Before the signal it reads the
 * process again: the pid must still map libjvm and catch SIGQUIT, which otherwise kills it.
 *
 * <p>One connection per command, each with a deadline and an output cap. A socket that is not the JVM user's own is
 * never used: anyone can create files in {@code /tmp}. Thread-safe: instances hold no state but the target.
 */
public final class HotSpotAttach {
    private static final java.util.concurrent.ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private static java.util.concurrent.ScheduledThreadPoolExecutor deadlines() {
        var e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sage-attach-deadline");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true); // a cancelled deadline lets its channel go at once
        return e;
    }

    /** As long as jcmd itself waits for a JVM to start listening. */
    private static final Duration LISTEN_WAIT = Duration.ofSeconds(10);

    /** This process's effective uid and gid, read once ({@code /proc/self} belongs to them); null when unknown. */
    private static final long[] SELF = self();

    private static long[] self() {
        try {
            return new long[] {((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue(),
                ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue()};
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return null;
        }
    }

    /** True when this JVM runs as {@code uid} and {@code gid}, effective: whom a JVM's attach listener answers. */
    public static boolean sameUserAndGroup(long uid, long gid) {
        return SELF != null && SELF[0] == uid && SELF[1] == gid;
    }

    private final long pid;
    private final long nsPid;
    private final long uid;
    private final Path tmp;

    /**
     * @param pid the JVM's pid here
     * @param nsPids its pids from the outermost namespace to its own ({@code NSpid}); empty means just {@code pid}
     * @param uid the user the JVM runs as
     */
    public HotSpotAttach(long pid, List<Long> nsPids, long uid) {
        this(pid, nsPids, uid, Path.of("/proc", Long.toString(pid), "root", "tmp"));
    }

    HotSpotAttach(long pid, List<Long> nsPids, long uid, Path tmp) {
        this.pid = pid;
        this.nsPid = nsPids.isEmpty() ? pid : nsPids.get(nsPids.size() - 1);
        this.uid = uid;
        this.tmp = tmp;
    }

    /** The JVM's pid here. */
    public long pid() {
        return pid;
    }

    /** For messages: {@code in-process attach to pid 4242 (jcmd's protocol)}. */
    public String describe() {
        return "in-process attach to pid " + pid + " (jcmd's protocol, no jcmd process)";
    }

    /**
     * Runs one diagnostic command ({@code GC.heap_info}, {@code GC.class_histogram -all}) and returns the JVM's answer:
     * its result code as the exit code (0 when the command ran, else the output says why) and its output.
     *
     * @throws CollectionException when the JVM cannot be reached or does not answer within {@code timeout}
     */
    public ExecResult jcmd(String command, Duration timeout, long outputCap) throws CollectionException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Path socket = listening(deadline, timeout);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ScheduledFuture<?> stop = DEADLINES.schedule(() -> close(channel), remaining(deadline), TimeUnit.NANOSECONDS);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                // protocol 1: the version, the operation and three arguments, each ended by a NUL
                write(channel, "1\0jcmd\0" + command + "\0\0\0");
                return answer(read(channel, outputCap), command, start);
            } finally {
                stop.cancel(false);
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw new CollectionException(CollectionException.Kind.TIMEOUT, "the attach to pid " + pid
                    + " was interrupted during " + command, e);
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0) {
                throw new CollectionException(CollectionException.Kind.TIMEOUT, "pid " + pid + " did not answer "
                        + command + " within " + human(timeout), e);
            }
            if (String.valueOf(e.getMessage()).matches("(?i).*(broken pipe|reset).*")) {
                throw refused(command); // closed with the request unread
            }
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + "'s attach socket "
                    + socket + " failed: " + e.getMessage(), e);
        }
    }

    private ExecResult answer(Read read, String command, long start) throws CollectionException {
        byte[] bytes = read.bytes();
        if (bytes.length == 0) {
            throw refused(command);
        }
        int nl = 0;
        while (nl < bytes.length && bytes[nl] != '\n') {
            nl++;
        }
        String first = new String(bytes, 0, Math.min(nl, 80), StandardCharsets.UTF_8).strip();
        try {
            int code = Integer.parseInt(first);
            byte[] body = nl < bytes.length ? java.util.Arrays.copyOfRange(bytes, nl + 1, bytes.length) : new byte[0];
            return new ExecResult(code, body, "", read.truncated(), Duration.ofNanos(System.nanoTime() - start));
        } catch (NumberFormatException e) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " answered " + command
                    + " with no result code (" + first.replaceAll("\\p{Cntrl}", "?") + ")");
        }
    }

    private CollectionException refused(String command) {
        return new CollectionException(CollectionException.Kind.PERMISSION, "pid " + pid + " closed the attach"
                + " connection without answering " + command + " (a JVM answers only its own user and group; or it is"
                + " exiting)");
    }

    /**
     * The JVM's performance counters file ({@code hsperfdata_USER/NSPID} in its /tmp), at most 256 KiB, when its user
     * owns it; never read through a link. Empty when there is none (a JVM run with {@code -XX:-UsePerfData}).
     */
    public byte[] perfData() {
        List<Path> candidates = new ArrayList<>();
        hsperfdata(candidates, tmp, nsPid);
        hsperfdata(candidates, Path.of("/tmp"), pid);
        for (Path f : candidates) {
            try {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS) instanceof Integer u && u == uid) {
                    try (var in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                        return in.readNBytes(256 * 1024);
                    }
                }
            } catch (IOException | UnsupportedOperationException e) {
                // unreadable: the next candidate, or none
            }
        }
        return new byte[0];
    }

    private static void hsperfdata(List<Path> into, Path tmp, long pid) {
        try (var dirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
            dirs.forEach(d -> into.add(d.resolve(Long.toString(pid))));
        } catch (IOException e) {
            // no such /tmp, or not ours to list
        }
    }

    /**
     * False when the JVM's counters say it was started with {@code -XX:+DisableAttachMechanism}, as the JDK's own
     * attach checks before it signals: such a JVM would print a thread dump to its output and never listen.
     */
    private boolean attachable() {
        byte[] data = perfData();
        if (data.length == 0) {
            return true; // no counters to tell: jcmd assumes so too
        }
        try {
            String text = PerfDataDecoder.toText(data);
            int at = text.indexOf("sun.rt.jvmCapabilities=\"");
            return at < 0 || text.charAt(at + "sun.rt.jvmCapabilities=\"".length()) != '0';
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The JVM's socket, once it listens; asks it to start listening when it does not yet. */
    private Path listening(long deadline, Duration timeout) throws CollectionException {
        Path socket = tmp.resolve(".java_pid" + nsPid);
        if (ownSocket(socket)) {
            return socket;
        }
        Object owner = owner(socket);
        if (owner != null) {
            // the JVM could not replace it either (/tmp is sticky): signalling would only print a thread dump
            throw new CollectionException(CollectionException.Kind.PERMISSION, "JVM " + pid + "'s attach socket " + socket
                    + " belongs to uid " + owner + ", not to the JVM's uid " + uid + ", so it was left by a process that"
                    + " had this pid before. Remove it and try again (Sage did not use it, nor signal the JVM)");
        }
        if (!attachable()) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "JVM " + pid + " does not accept attach"
                    + " (it runs with -XX:+DisableAttachMechanism, or is not a HotSpot JVM); Sage did not signal it");
        }
        String unsafe = unsafeToSignal();
        if (unsafe != null) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " " + unsafe
                    + ": Sage did not signal it to start its attach listener");
        }
        Path trigger = triggerFile();
        try {
            signalQuit();
            boolean deadlineFirst = timeout.compareTo(LISTEN_WAIT) < 0;
            long until = System.nanoTime() + (deadlineFirst ? remaining(deadline) : LISTEN_WAIT.toNanos());
            long pause = 5;
            while (!ownSocket(socket)) {
                if (System.nanoTime() - until >= 0) {
                    throw deadlineFirst
                            ? new CollectionException(CollectionException.Kind.TIMEOUT, "pid " + pid + " did not start its"
                                    + " attach listener within " + human(timeout) + " (a JVM paused, or stopped?)")
                            : new CollectionException(CollectionException.Kind.UNSUPPORTED, "pid " + pid + " did not start"
                                    + " its attach listener within " + human(LISTEN_WAIT) + " (started with"
                                    + " -XX:+DisableAttachMechanism, or not a HotSpot JVM?)");
                }
                sleep(pause);
                pause = Math.min(pause * 2, 100);
            }
            return socket;
        } finally {
            try {
                Files.deleteIfExists(trigger);
            } catch (IOException e) {
                // the JVM removes it too once it listens
            }
        }
    }

    /**
     * Why SIGQUIT would hurt the process now, or null: read again just before the signal, since the pid may have ended
     * and been reused, or belong to a JVM that does not catch SIGQUIT ({@code -Xrs}), which the signal kills.
     */
    private String unsafeToSignal() {
        String status;
        try {
            status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "is gone";
        }
        boolean catches;
        try {
            catches = ProcessStatusParser.parse(status).catchesSigquit();
        } catch (RuntimeException e) {
            catches = false;
        }
        if (!catches) {
            return "does not catch SIGQUIT now (started with -Xrs, or no longer a JVM)";
        }
        try (var maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"), StandardCharsets.ISO_8859_1)) {
            if (maps.noneMatch(l -> l.contains("libjvm"))) {
                return "no longer maps libjvm (it is not a JVM now)";
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return "cannot be read to check it is still a JVM";
        }
        return null;
    }

    /** A socket owned by the JVM's user: a file anyone else made in /tmp is not the JVM. */
    private boolean ownSocket(Path socket) {
        try {
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Object owner = Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return a.isOther() && owner instanceof Integer u && u == uid;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The uid owning whatever is at {@code path} (a link is not followed), or null when there is nothing. */
    private static Object owner(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** {@code .attach_pid<NSPID>} in the JVM's working directory, else in its /tmp: where HotSpot looks for it. */
    private Path triggerFile() throws CollectionException {
        String name = ".attach_pid" + nsPid;
        IOException failed = null;
        for (Path dir : List.of(Path.of("/proc", Long.toString(pid), "cwd"), tmp)) {
            Path file = dir.resolve(name);
            try {
                Files.deleteIfExists(file);
                return Files.createFile(file);
            } catch (IOException e) {
                failed = e;
            }
        }
        throw new CollectionException(CollectionException.Kind.PERMISSION, "cannot create " + name + " in the working"
                + " directory or /tmp of pid " + pid + " to start its attach listener: " + failed.getMessage(), failed);
    }

    /** {@code kill -QUIT PID}, run as a local command, so on the record as one (the audit names every signal Sage sends). */
    private void signalQuit() throws CollectionException {
        ExecResult r = new LocalTransport().exec(List.of("kill", "-QUIT", Long.toString(pid)), new byte[0],
                Duration.ofSeconds(5), 4096);
        if (r.exitCode() != 0) {
            String said = (r.stdoutText() + r.stderr()).strip();
            throw new CollectionException(said.contains("No such process") ? CollectionException.Kind.TARGET_GONE
                    : CollectionException.Kind.PERMISSION, "could not signal pid " + pid + " to start its attach"
                    + " listener" + (said.isEmpty() ? "" : ": " + said));
        }
    }

    private record Read(byte[] bytes, boolean truncated) {}

    private static Read read(SocketChannel channel, long cap) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        boolean truncated = false;
        while (channel.read(buf) >= 0) {
            buf.flip();
            int room = (int) Math.max(0, Math.min(Integer.MAX_VALUE, cap - kept.size()));
            int n = buf.remaining();
            kept.write(buf.array(), 0, Math.min(room, n));
            truncated |= n > room;
            buf.clear();
        }
        return new Read(kept.toByteArray(), truncated);
    }

    private static void write(SocketChannel channel, String request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is how a read is stopped at its deadline
        }
    }

    /** {@code 500 ms}, {@code 2 s} (for 1999 ms: what is left of a 2 s deadline), {@code 1.5 s}. */
    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long tenths = Math.round(ms / 100.0);
        return (tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10) + " s";
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void sleep(long millis) throws CollectionException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectionException(CollectionException.Kind.TIMEOUT, "interrupted while waiting for an attach listener", e);
        }
    }
}
