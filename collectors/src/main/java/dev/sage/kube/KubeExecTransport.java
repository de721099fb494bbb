package dev.sage.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecAudits;
import dev.sage.transport.ExecResult;
import dev.sage.transport.Names;
import dev.sage.transport.Transport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.WebSocket;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands in one container of a pod through the API server's {@code pods/exec} WebSocket, speaking the
 * {@code v4.channel.k8s.io} protocol itself on the Kubernetes client's HTTP connection (its credentials, TLS and
 * retries): one HTTP request per exec, where the client's own {@code exec()} makes three.
 *
 * <p>Argv only: each argument is a separate {@code command} query parameter and no shell parses it. Every command
 * runs under a fixed {@code sh} wrapper that (a) gives it its standard input from an argument, because v4 cannot
 * signal the end of stdin, and (b) kills it in the container with {@code timeout(1)} at the deadline when the image
 * has that tool; the connection is closed at the deadline in any case. Output past the cap is dropped as it arrives.
 *
 * <p>Thread-safe and stateless between calls: each exec is its own WebSocket, so several may run at once.
 */
public final class KubeExecTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Milliseconds to wait for the container's own answer past the deadline it enforces itself. */
    private static final long GRACE_MILLIS = 3_000;
    /** Bytes per stdin message. */
    private static final int STDIN_CHUNK = 32 * 1024;

    /**
     * The fixed wrapper: {@code $1} the deadline in seconds, {@code $2} the bytes for stdin (may be empty), then the
     * argv. Nothing of the argv is script.
     */
    static final String WRAPPER = "d=\"$1\"; s=\"$2\"; shift 2; "
            + "if timeout -s KILL 5 true >/dev/null 2>&1; then set -- timeout -s KILL \"$d\" \"$@\"; fi; "
            + "if [ -n \"$s\" ]; then printf '%s' \"$s\" | \"$@\"; else \"$@\" </dev/null; fi";

    private final HttpClient http;
    private final URI apiServer;
    private final String namespace;
    private final String pod;
    private final String container;

    /**
     * @param apiServer the API server's base URL, e.g. {@code https://10.0.0.1:6443/}
     */
    public KubeExecTransport(HttpClient http, URI apiServer, String namespace, String pod, String container) {
        this.http = http;
        this.apiServer = apiServer;
        this.namespace = Names.namespace(namespace);
        this.pod = Names.pod(pod);
        this.container = Names.container(container);
    }

    @Override
    public ExecResult exec(List<String> argv, byte[] stdin, Duration timeout, long outputCap) throws CollectionException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        String input = new String(stdin, StandardCharsets.UTF_8);
        if (input.indexOf('\0') >= 0 || !java.util.Arrays.equals(input.getBytes(StandardCharsets.UTF_8), stdin)) {
            throw new IllegalArgumentException("standard input for a pod must be text without NUL");
        }
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        List<String> command = new ArrayList<>(List.of("sh", "-c", WRAPPER, "sage-exec", Long.toString(seconds), input));
        command.addAll(argv);
        return ExecAudits.around(describe(), argv, stdin, () -> run(command, new byte[0], argv.get(0), timeout, outputCap));
    }

    /**
     * Writes {@code data} to the new file {@code path} in the container, mode 0700, streamed on the exec's stdin
     * channel: {@code head -c N} stops at the last byte, so that v4's lack of an end of input does not matter, and
     * the file is checked to hold all of it.
     *
     * @param path an absolute path Sage chose (no user text)
     */
    public void copyIn(byte[] data, String path, Duration timeout) throws CollectionException {
        if (!path.matches("/[A-Za-z0-9._/-]+")) {
            throw new IllegalArgumentException("not a path Sage writes: " + path);
        }
        List<String> command = List.of("sh", "-c", "umask 077; head -c \"$1\" > \"$2\" && chmod 700 \"$2\""
                + " && [ \"$(wc -c < \"$2\")\" -eq \"$1\" ]", "sage-copy", Integer.toString(data.length), path);
        ExecResult r = ExecAudits.around(describe(), command, data, () -> run(command, data, "the copy to " + path, timeout, 1 << 16));
        if (r.exitCode() != 0) {
            throw new CollectionException(CollectionException.Kind.UNSUPPORTED, "could not write " + path + " in "
                    + describe() + " (exit " + r.exitCode() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip())
                    + "): its /tmp is read-only or full");
        }
    }

    private ExecResult run(List<String> command, byte[] streamed, String program, Duration timeout, long outputCap)
            throws CollectionException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        long start = System.nanoTime();
        Session session = new Session(outputCap);
        CompletableFuture<WebSocket> opened = http.newWebSocketBuilder()
                .subprotocol("v4.channel.k8s.io")
                .uri(execUri(command, streamed.length > 0))
                .connectTimeout(Math.min(timeout.toMillis(), 30_000), TimeUnit.MILLISECONDS)
                .buildAsync(session);
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout.toMillis() + GRACE_MILLIS);
        WebSocket ws = null;
        boolean finished = false;
        try {
            ws = opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (int at = 0; at < streamed.length; at += STDIN_CHUNK) {
                int n = Math.min(STDIN_CHUNK, streamed.length - at);
                ByteBuffer frame = ByteBuffer.allocate(n + 1).put((byte) 0).put(streamed, at, n).flip();
                if (!ws.send(frame)) {
                    throw new ExecutionException(new java.io.IOException("the exec stream closed while Sage wrote to it"));
                }
            }
            session.done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            finished = true;
        } catch (TimeoutException e) {
            throw new CollectionException(CollectionException.Kind.TIMEOUT, program + " in " + describe()
                    + " did not finish within " + seconds + " s and was stopped", e);
        } catch (ExecutionException e) {
            throw KubeErrors.exec(e.getCause(), namespace, pod, container);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectionException(CollectionException.Kind.TIMEOUT, program + " in " + describe() + " was interrupted", e);
        } finally {
            if (!finished) {
                opened.cancel(true); // a socket that opens later is closed by the client
                if (ws != null) {
                    ws.sendClose(1000, "stopped");
                }
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        int exit = exitCode(session.status(), program);
        if (exit == 137 && elapsed.toMillis() >= seconds * 1000 - 500) {
            throw new CollectionException(CollectionException.Kind.TIMEOUT, program + " in " + describe()
                    + " did not finish within " + seconds + " s and was stopped");
        }
        return new ExecResult(exit, session.out.toByteArray(), session.err.toString(StandardCharsets.UTF_8),
                session.truncated, elapsed);
    }

    private URI execUri(List<String> command, boolean stdin) {
        StringBuilder q = new StringBuilder();
        for (String c : command) {
            q.append("command=").append(encode(c)).append('&');
        }
        q.append("container=").append(container).append(stdin ? "&stdin=true" : "").append("&stdout=true&stderr=true");
        return apiServer.resolve("api/v1/namespaces/" + namespace + "/pods/" + pod + "/exec?" + q);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The exit code in the status the API server sends on channel 3: {@code Success} is 0, a {@code NonZeroExitCode}
     * failure carries the code; any other failure means the command did not run.
     */
    private int exitCode(String status, String program) throws CollectionException {
        if (status == null) {
            throw new CollectionException(CollectionException.Kind.TARGET_GONE, "the exec stream of " + program + " in "
                    + describe() + " closed without an exit status: the container stopped or restarted, or the pod went away");
        }
        JsonNode s;
        try {
            s = JSON.readTree(status);
        } catch (java.io.IOException e) {
            throw new CollectionException(CollectionException.Kind.UNREACHABLE, "the API server sent an unreadable exec status", e);
        }
        if ("Success".equals(s.path("status").asText())) {
            return 0;
        }
        if ("NonZeroExitCode".equals(s.path("reason").asText())) {
            for (JsonNode cause : s.path("details").path("causes")) {
                if ("ExitCode".equals(cause.path("reason").asText()) && cause.path("message").asText().matches("\\d{1,3}")) {
                    return Integer.parseInt(cause.path("message").asText());
                }
            }
        }
        String message = s.path("message").asText("");
        if (message.contains("executable file not found") || message.contains("no such file or directory")) {
            throw new CollectionException(CollectionException.Kind.COMMAND_NOT_FOUND, "container " + container + " of pod "
                    + pod + " has no shell (sh): Sage reads /proc with a short fixed script and cannot look at the JVM"
                    + " without one. " + KubeErrors.NO_SHELL_HINT);
        }
        throw new CollectionException(CollectionException.Kind.UNREACHABLE, "the exec of " + program + " in " + describe()
                + " failed: " + (message.isEmpty() ? status : message));
    }

    @Override
    public String describe() {
        return "pod/" + pod + " -n " + namespace + " -c " + container;
    }

    /** One exec's channels: 1 stdout, 2 stderr, 3 the status; the first byte of each binary message names it. */
    private static final class Session implements WebSocket.Listener {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final ByteArrayOutputStream status = new ByteArrayOutputStream();
        private final long cap;
        volatile boolean truncated;
        private boolean sawStatus;

        Session(long cap) {
            this.cap = cap;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request();
        }

        @Override
        public synchronized void onMessage(WebSocket ws, ByteBuffer bytes) {
            if (bytes.hasRemaining()) {
                int channel = bytes.get();
                byte[] data = new byte[bytes.remaining()];
                bytes.get(data);
                switch (channel) {
                    case 1 -> keep(out, data);
                    case 2 -> keep(err, data);
                    case 3 -> {
                        sawStatus = true;
                        status.write(data, 0, Math.min(data.length, 64 * 1024));
                    }
                    default -> { } // channel 4 (resize) and others carry nothing for us
                }
            }
            ws.request();
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            onMessage(ws, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }

        private void keep(ByteArrayOutputStream to, byte[] data) {
            long room = cap - to.size();
            if (room > 0) {
                to.write(data, 0, (int) Math.min(room, data.length));
            }
            if (data.length > room) {
                truncated = true;
            }
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            done.complete(null);
        }

        @Override
        public synchronized void onError(WebSocket ws, Throwable error) {
            if (sawStatus) {
                done.complete(null); // the command's answer is in: a connection dropped after it loses nothing
            } else {
                done.completeExceptionally(error);
            }
        }

        synchronized String status() {
            return sawStatus ? status.toString(StandardCharsets.UTF_8) : null;
        }
    }
}
