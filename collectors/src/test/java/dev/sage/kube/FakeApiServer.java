package dev.sage.kube;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server for tests, on the fabric8 mock web server: pods are served from memory, and
 * {@code pods/exec} upgrades to a WebSocket speaking the {@code v4.channel.k8s.io} protocol whose command really
 * runs, here, as a child process (this machine plays the container), streaming its real output on channels 1 and 2
 * and its exit status on channel 3. Only failures are scripted: the next answers of the API or of exec can be set to
 * an HTTP code, a container can have no JVM or no shell, and a stream can close without a status.
 */
public final class FakeApiServer implements AutoCloseable {
    public static final String TOKEN = "sage-test-token";
    private static final Pattern EXEC = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/exec\\?(.*)");
    private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)");
    private static final Pattern LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?");
    private static final Pattern EPHEMERAL = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/ephemeralcontainers(\\?.*)?");
    private static final Pattern PODS = Pattern.compile("/api/v1/namespaces/([^/]+)/pods(\\?.*)?");

    /** How a container answers exec. */
    public enum Behaviour {
        /** runs the command here */
        LOCAL,
        /** a container with a shell but no JVM: every command prints nothing and succeeds */
        NO_JVM,
        /** the container runtime cannot start {@code sh} */
        NO_SHELL,
        /** the stream closes with no status, as when the container dies mid-command */
        DIES,
        /** the command never answers */
        HANGS
    }

    private final MockWebServer server = new MockWebServer();
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> containers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> environments = new ConcurrentHashMap<>();
    private final Deque<Integer> apiFailures = new ConcurrentLinkedDeque<>();
    private final Deque<Integer> execFailures = new ConcurrentLinkedDeque<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Process> running = new CopyOnWriteArrayList<>();
    private final Map<String, java.util.function.Supplier<String>> logs = new ConcurrentHashMap<>();

    public FakeApiServer() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        server.start();
    }

    /** A kubeconfig whose context {@code fake} (namespace {@code prod}) points here; context {@code other} too. */
    public Path kubeconfig(Path dir) throws IOException {
        String server = "http://localhost:" + this.server.getPort();
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: fake",
                "  cluster: {server: \"" + server + "\"}",
                "users:",
                "- name: sage",
                "  user: {token: " + TOKEN + "}",
                "contexts:",
                "- name: fake",
                "  context: {cluster: fake, user: sage, namespace: prod}",
                "- name: other",
                "  context: {cluster: fake, user: sage, namespace: staging}",
                "current-context: fake",
                ""));
        return file;
    }

    /** Adds a Running, Ready pod with these containers (all running), owned by ReplicaSet {@code owner} when not null. */
    public Pod addPod(String namespace, String name, String owner, int restarts, String... containerNames) {
        PodBuilder b = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withUid("uid-" + name).endMetadata();
        if (owner != null) {
            b.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(owner)
                    .withUid("uid-" + owner).withController(true).endOwnerReference().endMetadata();
        }
        b.withNewSpec().endSpec().withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
        for (String c : containerNames) {
            b.editSpec().addToContainers(new ContainerBuilder().withName(c).withImage("eclipse-temurin:17").build()).endSpec();
            b.editStatus().addToContainerStatuses(new ContainerStatusBuilder().withName(c).withRestartCount(restarts)
                    .withReady(true).withNewState().withNewRunning().withStartedAt("2026-12-01T00:00:00Z").endRunning()
                    .endState().build()).endStatus();
            containers.putIfAbsent(c, Behaviour.LOCAL);
        }
        Pod pod = b.build();
        put(pod);
        return pod;
    }

    public void put(Pod pod) {
        pods.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
    }

    public void remove(String namespace, String name) {
        pods.remove(namespace + "/" + name);
    }

    /** The pod's container log is what {@code log} gives at each request (e.g. a scenario JVM's output). */
    public void log(String namespace, String pod, java.util.function.Supplier<String> log) {
        logs.put(namespace + "/" + pod, log);
    }

    /** Commands in {@code container} run with these environment variables (e.g. a PATH without a JDK). */
    public void environment(String container, Map<String, String> env) {
        environments.put(container, Map.copyOf(env));
    }

    public void behave(String container, Behaviour behaviour) {
        containers.put(container, behaviour);
    }

    /** The next API answers (GET, list) are these HTTP codes, then normal answers resume. */
    public void failApi(Integer... codes) {
        apiFailures.addAll(List.of(codes));
    }

    /** The next exec upgrades are refused with these HTTP codes. */
    public void failExec(Integer... codes) {
        execFailures.addAll(List.of(codes));
    }

    /** Requests so far, as {@code METHOD path}; exec requests as {@code EXEC container argv...}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public List<String> execs() {
        return requests.stream().filter(r -> r.startsWith("EXEC ")).toList();
    }

    /** Each request is answered this much later: the round trip to a real API server, for benchmarks. */
    public void latency(java.time.Duration d) {
        latencyMillis = d.toMillis();
    }

    private volatile long latencyMillis;

    private MockResponse answer(RecordedRequest r) {
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String path = r.getPath();
        if (!("Bearer " + TOKEN).equals(r.getHeader("Authorization"))) {
            requests.add(r.getMethod() + " " + path + " (no token)");
            return status(401, "Unauthorized", "Unauthorized");
        }
        Matcher m = EXEC.matcher(path);
        if (m.matches()) {
            return exec(m.group(1), m.group(2), m.group(3));
        }
        requests.add(r.getMethod() + " " + path);
        Integer failure = apiFailures.poll();
        if (failure != null) {
            return status(failure, failure == 403 ? "Forbidden" : "InternalError", "scripted failure " + failure);
        }
        m = LOG.matcher(path);
        if (m.matches() && r.getMethod().equals("GET")) {
            var log = logs.get(m.group(1) + "/" + m.group(2));
            return log == null ? status(404, "NotFound", "no log") : new MockResponse().setResponseCode(200).setBody(log.get());
        }
        m = EPHEMERAL.matcher(path);
        if (m.matches() && r.getMethod().equals("PATCH")) {
            return addEphemeral(m.group(1), m.group(2), r.getUtf8Body());
        }
        m = POD.matcher(path);
        if (m.matches() && r.getMethod().equals("GET")) {
            Pod pod = pods.get(m.group(1) + "/" + m.group(2));
            return pod == null ? status(404, "NotFound", "pods \"" + m.group(2) + "\" not found")
                    : new MockResponse().setResponseCode(200).setBody(json.asJson(pod));
        }
        m = PODS.matcher(path);
        if (m.matches() && r.getMethod().equals("GET")) {
            String ns = m.group(1);
            Map<String, String> wanted = labels(m.group(2));
            PodList list = new PodListBuilder().withNewMetadata().withResourceVersion("1").endMetadata()
                    .withItems(pods.values().stream().filter(p -> p.getMetadata().getNamespace().equals(ns))
                            .filter(p -> wanted.entrySet().stream().allMatch(w -> p.getMetadata().getLabels() != null
                                    && w.getValue().equals(p.getMetadata().getLabels().get(w.getKey()))))
                            .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName())).toList()).build();
            return new MockResponse().setResponseCode(200).setBody(json.asJson(list));
        }
        return status(404, "NotFound", "no such path " + path);
    }

    /** The equality terms of a query's label selector ({@code app=orders,tier=web}): all this fake understands. */
    private static Map<String, String> labels(String query) {
        Map<String, String> out = new java.util.HashMap<>();
        java.util.regex.Matcher q = query == null ? null : Pattern.compile("[?&]labelSelector=([^&]*)").matcher(query);
        if (q != null && q.find()) {
            String selector = java.net.URLDecoder.decode(q.group(1), java.nio.charset.StandardCharsets.UTF_8);
            for (String term : selector.split(",")) {
                String[] kv = term.split("=", 2);
                if (kv.length == 2) {
                    out.put(kv[0].strip(), kv[1].strip());
                }
            }
        }
        return out;
    }

    /** A strategic-merge patch adding ephemeral containers: each is added to the spec, and runs at once. */
    private MockResponse addEphemeral(String namespace, String name, String body) {
        Pod pod = pods.get(namespace + "/" + name);
        if (pod == null) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        Pod patch = json.unmarshal(body, Pod.class);
        PodBuilder b = new PodBuilder(pod);
        for (var c : patch.getSpec().getEphemeralContainers()) {
            b.editSpec().addToEphemeralContainers(c).endSpec();
            b.editStatus().addToEphemeralContainerStatuses(new ContainerStatusBuilder().withName(c.getName())
                    .withImage(c.getImage()).withRestartCount(0).withReady(false).withNewState().withNewRunning()
                    .withStartedAt("2026-12-02T00:00:00Z").endRunning().endState().build()).endStatus();
        }
        Pod updated = b.build();
        put(updated);
        return new MockResponse().setResponseCode(200).setBody(json.asJson(updated));
    }

    private MockResponse exec(String namespace, String pod, String query) {
        List<String> command = new ArrayList<>();
        String container = "";
        boolean stdin = false;
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            String k = p.substring(0, eq);
            String v = URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            if (k.equals("command")) {
                command.add(v);
            } else if (k.equals("container")) {
                container = v;
            } else if (k.equals("stdin")) {
                stdin = v.equals("true");
            }
        }
        requests.add("EXEC " + container + " " + String.join(" ", command));
        Integer failure = execFailures.poll();
        if (failure != null) {
            return status(failure, "scripted", "scripted failure " + failure);
        }
        if (!pods.containsKey(namespace + "/" + pod)) {
            return status(404, "NotFound", "pods \"" + pod + "\" not found");
        }
        Behaviour behaviour = containers.getOrDefault(container, Behaviour.LOCAL);
        Map<String, String> env = environments.getOrDefault(container, Map.of());
        boolean withStdin = stdin;
        java.util.concurrent.CompletableFuture<Process> started = new java.util.concurrent.CompletableFuture<>();
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws, Response response) {
                Thread t = new Thread(() -> run(ws, behaviour, env, command, withStdin, started), "fake-exec");
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void onMessage(WebSocket ws, byte[] bytes) {
                if (withStdin && bytes.length > 0 && bytes[0] == 0) { // channel 0: the command's standard input
                    try {
                        var in = started.get(10, java.util.concurrent.TimeUnit.SECONDS).getOutputStream();
                        in.write(bytes, 1, bytes.length - 1);
                        in.flush();
                    } catch (Exception e) {
                        // the command has read all it wanted and exited
                    }
                }
            }

            @Override
            public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
                onMessage(ws, bytes.toByteArray());
            }
        });
    }

    private void run(WebSocket ws, Behaviour behaviour, Map<String, String> env, List<String> command, boolean stdin,
                     java.util.concurrent.CompletableFuture<Process> started) {
        try {
            switch (behaviour) {
                case NO_JVM -> {
                    if (command.contains("sage-survey")) { // a survey that finds no JVM
                        send(ws, 1, "==> me <==\n0\n".getBytes(StandardCharsets.UTF_8));
                        send(ws, 3, "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8));
                    } else { // any other program, jcmd included, is not installed
                        send(ws, 2, ("sh: 1: " + command.get(6) + ": not found\n").getBytes(StandardCharsets.UTF_8));
                        send(ws, 3, exitStatus(127).getBytes(StandardCharsets.UTF_8));
                    }
                }
                case NO_SHELL -> send(ws, 3, ("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"failed to exec in"
                        + " container: exec: \\\"sh\\\": executable file not found in $PATH\",\"reason\":\"InternalError\"}")
                        .getBytes(StandardCharsets.UTF_8));
                case DIES -> send(ws, 1, "partial".getBytes(StandardCharsets.UTF_8));
                case HANGS -> Thread.sleep(120_000);
                case LOCAL -> {
                    ProcessBuilder pb = new ProcessBuilder(command);
                    pb.environment().putAll(env);
                    Process p = pb.start();
                    running.add(p);
                    if (!stdin) {
                        p.getOutputStream().close();
                    }
                    started.complete(p);
                    Thread err = new Thread(() -> pump(ws, 2, p.getErrorStream()));
                    err.start();
                    pump(ws, 1, p.getInputStream());
                    err.join();
                    int code = p.waitFor();
                    running.remove(p);
                    send(ws, 3, exitStatus(code).getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | InterruptedException e) {
            send(ws, 3, ("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + e.getMessage().replace("\"", "'")
                    + "\",\"reason\":\"InternalError\"}").getBytes(StandardCharsets.UTF_8));
        }
        ws.close(1000, "");
    }

    /** The status the API server sends for an exit code, as the kubelet words it. */
    private static String exitStatus(int code) {
        return code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit"
                + " code: exit status " + code + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
                + "[{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}]}}";
    }

    private static void pump(WebSocket ws, int channel, InputStream in) {
        byte[] buf = new byte[32 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                send(ws, channel, java.util.Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static synchronized void send(WebSocket ws, int channel, byte[] data) {
        byte[] frame = new byte[data.length + 1];
        frame[0] = (byte) channel;
        System.arraycopy(data, 0, frame, 1, data.length);
        ws.send(frame);
    }

    private MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setBody(json.asJson(new StatusBuilder().withStatus("Failure")
                .withCode(code).withReason(reason).withMessage(message).build()));
    }

    @Override
    public void close() {
        running.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        running.forEach(Process::destroyForcibly);
        server.shutdown();
    }
}
