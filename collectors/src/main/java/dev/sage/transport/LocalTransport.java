package dev.sage.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes of this JVM. Thread-safe and stateless: each call is its own process. */
public final class LocalTransport implements Transport {
    /** Threads that pump a child's streams; blocking I/O must not run on the common pool (one thread on 2 cores). */
    private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sage-local-io");
        t.setDaemon(true);
        return t;
    });

    private final java.util.Map<String, String> environment;

    /** Commands run with this JVM's environment. */
    public LocalTransport() {
        this(java.util.Map.of());
    }

    /** Commands run with this JVM's environment, changed by {@code environment} (e.g. another {@code PATH}). */
    public LocalTransport(java.util.Map<String, String> environment) {
        this.environment = java.util.Map.copyOf(environment);
    }

    @Override
    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        return ExecAudits.around(describe(), argv, stdin, () -> run(argv, stdin, timeout, outputCap));
    }

    private ExecResult run(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        long start = System.nanoTime();
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(environment);
            process = pb.start();
        } catch (IOException e) {
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND,
                    "cannot run " + argv.get(0) + " on this machine: " + rootMessage(e), e);
        }
        CompletableFuture<Capped> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream(), outputCap), IO);
        CompletableFuture<Capped> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream(), outputCap), IO);
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> feed(process.getOutputStream(), stdin), IO);
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                throw new CollectionException(CollectionException.Kind.TIMEOUT,
                        argv.get(0) + " did not finish within " + human(timeout) + " and was stopped");
            }
            Capped o = out.get(5, TimeUnit.SECONDS);
            Capped e = err.get(5, TimeUnit.SECONDS);
            in.cancel(true);
            return new ExecResult(process.exitValue(), o.bytes(), new String(e.bytes(), StandardCharsets.UTF_8),
                    o.truncated() || e.truncated(), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new CollectionException(CollectionException.Kind.TIMEOUT, argv.get(0) + " was interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // the process exited but a child it left behind still holds its output open
            killTree(process);
            throw new CollectionException(CollectionException.Kind.TIMEOUT,
                    argv.get(0) + " exited but its output did not close; the processes it left were stopped", e);
        }
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public boolean sameMachineAndUser() {
        return true;
    }

    private record Capped(byte[] bytes, boolean truncated) {}

    /** Reads a stream to its end, keeping at most {@code cap} bytes so that the writer never blocks. */
    private static Capped drain(InputStream in, long cap) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        boolean truncated = false;
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                long room = cap - kept.size();
                if (room > 0) {
                    kept.write(buf, 0, (int) Math.min(room, n));
                }
                if (n > room) {
                    truncated = true;
                }
            }
        } catch (IOException e) {
            // the process was killed: keep what was read
        }
        return new Capped(kept.toByteArray(), truncated);
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            if (bytes.length > 0) {
                stdin.write(bytes);
            }
        } catch (IOException e) {
            // the command closed its input early: it did not want it
        }
    }

    /** Kills the process and everything it started (jcmd forks nothing, but a shell or setpriv does), and waits a little. */
    public static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.contains("error=2") ? "not found" : m;
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
