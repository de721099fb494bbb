package dev.sage.kube;

import dev.sage.collect.Remedy;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.transport.CollectionException;
import dev.sage.transport.ExecResult;
import dev.sage.transport.ExecAudits;
import dev.sage.transport.CollectionException.Kind;
import dev.sage.transport.Names;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Kubernetes cluster as kubectl users know it: the {@code KUBECONFIG} / {@code ~/.kube/config} context (or the
 * in-cluster service account), its default namespace, and the pods in it. Finds the pod a person named, the
 * container running its JVM, and a healthy sibling to compare with. Each API call is retried once, with backoff,
 * on a 5xx or 429; every failure becomes a {@link CollectionException} saying what to do.
 *
 * <p>Thread-safe: one instance may serve several diagnoses at once (the fabric8 client and its connection pool are
 * shared; every exec opens its own WebSocket). Close it once, when no call is running.
 */
public final class KubeCluster implements AutoCloseable {
    /** kubectl's annotation naming the container {@code kubectl exec} picks by default. */
    static final String DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container";

    private final KubernetesClient client;
    /** The API server's base URL, ending in '/'. */
    private final URI apiServer;
    /** The deadline of each survey of a container. */
    private final Duration surveyTimeout;

    private KubeCluster(KubernetesClient client, Duration requestTimeout) {
        this.client = client;
        this.surveyTimeout = requestTimeout.compareTo(Duration.ofSeconds(20)) < 0 ? requestTimeout : Duration.ofSeconds(20);
        try {
            URI base = client.getMasterUrl().toURI();
            this.apiServer = base.getPath().endsWith("/") ? base : base.resolve(base.getPath() + "/");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the API server URL is not a URI: " + client.getMasterUrl(), e);
        }
    }

    /**
     * Connects the way kubectl does: the named context of the kubeconfig, else its current context, else the pod's
     * service account when Sage runs in the cluster.
     *
     * @param requestTimeout the deadline of each API call (exec deadlines are per command)
     */
    public static KubeCluster connect(Optional<String> context, Duration requestTimeout) throws CollectionException {
        Config config;
        try {
            config = Config.autoConfigure(context.orElse(null));
        } catch (KubernetesClientException e) {
            throw new CollectionException(Kind.UNSUPPORTED, "cannot read the Kubernetes configuration: " + e.getMessage(), e);
        }
        if (context.isPresent() && (config.getCurrentContext() == null
                || !context.get().equals(config.getCurrentContext().getName()))) {
            throw new CollectionException(Kind.UNSUPPORTED, "the kubeconfig has no context named '" + context.get() + "'"
                    + contexts(config));
        }
        boolean inCluster = java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"));
        if (config.getCurrentContext() == null && !inCluster || config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new CollectionException(Kind.UNSUPPORTED, "no Kubernetes cluster is configured: set KUBECONFIG or"
                    + " ~/.kube/config, or run Sage in a pod with a service account");
        }
        config.setRequestRetryBackoffLimit(1);
        config.setRequestRetryBackoffInterval(500);
        config.setConnectionTimeout((int) Math.min(requestTimeout.toMillis(), 30_000));
        config.setRequestTimeout((int) requestTimeout.toMillis());
        return new KubeCluster(new KubernetesClientBuilder().withConfig(config).build(), requestTimeout);
    }

    private static String contexts(Config config) {
        List<String> names = config.getContexts() == null ? List.of()
                : config.getContexts().stream().map(c -> c.getName()).sorted().toList();
        return names.isEmpty() ? "" : "; it has: " + String.join(", ", names);
    }

    /** The kubeconfig context in use, or empty in the cluster with the pod's service account. */
    public String context() {
        var current = client.getConfiguration().getCurrentContext();
        return current == null || current.getName() == null ? "" : current.getName();
    }

    /** The namespace of the context, as kubectl uses when no {@code -n} is given; {@code default} when it names none. */
    public String defaultNamespace() {
        String ns = client.getConfiguration().getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }

    /** A pod found from what a person typed, and how it was matched when not by its exact name. */
    public record Resolved(Pod pod, String note) {
        public String name() {
            return pod.getMetadata().getName();
        }

        public String namespace() {
            return pod.getMetadata().getNamespace();
        }
    }

    /**
     * The pod named {@code name} in {@code namespace}: the exact name (one GET); else the only pod whose name starts
     * with it (a deployment name or a pod-name stem); else a refusal listing the closest names.
     */
    public Resolved resolve(String namespace, String name) throws CollectionException {
        Names.namespace(namespace);
        Names.pod(name);
        Pod exact;
        try {
            exact = client.pods().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.api(e, "get", "pods", namespace);
        }
        if (exact != null) {
            return new Resolved(exact, "");
        }
        List<Pod> pods = list(namespace);
        List<Pod> prefixed = pods.stream().filter(p -> p.getMetadata().getName().startsWith(name)).toList();
        List<Pod> live = prefixed.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .toList();
        if (live.size() == 1) {
            Pod p = live.get(0);
            return new Resolved(p, "'" + name + "' is pod " + p.getMetadata().getName() + ", the only pod in " + namespace
                    + " whose name starts with it");
        }
        if (live.size() > 1) {
            throw new CollectionException(Kind.UNSUPPORTED, live.size() + " pods in namespace " + namespace
                    + " start with '" + name + "'; name one: " + listing(live, 10), null, List.of(), names(live, 10));
        }
        if (pods.isEmpty()) {
            throw new CollectionException(Kind.TARGET_GONE, "namespace " + namespace + " has no pods (is it the right"
                    + " namespace?)", null, List.of(Remedy.NAME_NAMESPACE), List.of());
        }
        List<Pod> closest = closest(pods, name);
        throw new CollectionException(Kind.TARGET_GONE, "no pod '" + name + "' in namespace " + namespace
                + (closest.isEmpty() ? " (it has " + pods.size() + " pods, none with a similar name; is it the right"
                + " namespace?)" : "; did you mean " + listing(closest, 5) + "?"), null,
                closest.isEmpty() ? List.of(Remedy.NAME_NAMESPACE) : List.of(), names(closest, 5));
    }

    private List<Pod> list(String namespace) throws CollectionException {
        try {
            return client.pods().inNamespace(namespace).list().getItems();
        } catch (KubernetesClientException e) {
            throw KubeErrors.api(e, "list", "pods", namespace);
        }
    }

    /**
     * A running pod of a fleet.
     *
     * @param owner the workload it belongs to: a Deployment (its ReplicaSet's name less the pod-template-hash), else its
     *     controller ({@code StatefulSet/db}), else the pod itself
     */
    public record Member(String namespace, String name, String owner) {}

    /**
     * The Running pods of {@code namespace} that match {@code selector} (a label selector; empty: all), by name.
     *
     * @throws CollectionException when the pods cannot be listed (no such namespace is not an error: none match)
     */
    public List<Member> members(String namespace, String selector) throws CollectionException {
        List<Pod> pods;
        try {
            var in = client.pods().inNamespace(namespace);
            pods = (selector.isBlank() ? in.list() : in.withLabelSelector(selector).list()).getItems();
        } catch (KubernetesClientException e) {
            throw KubeErrors.api(e, "list", "pods", namespace);
        }
        return pods.stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .map(p -> new Member(namespace, p.getMetadata().getName(), owner(p)))
                .sorted(Comparator.comparing(Member::name))
                .toList();
    }

    /** The workload a pod belongs to, as {@link Member#owner()} says. Pure. */
    static String owner(Pod p) {
        Optional<OwnerReference> controller = p.getMetadata().getOwnerReferences() == null ? Optional.empty()
                : p.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
        if (controller.isEmpty()) {
            return p.getMetadata().getName();
        }
        OwnerReference o = controller.get();
        String hash = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get("pod-template-hash");
        if ("ReplicaSet".equals(o.getKind()) && hash != null && o.getName().endsWith("-" + hash)) {
            return o.getName().substring(0, o.getName().length() - hash.length() - 1);
        }
        return o.getKind() + "/" + o.getName();
    }

    /** Pods whose names are near {@code name}: sharing its stem, or a few edits away; nearest first. Pure. */
    static List<Pod> closest(List<Pod> pods, String name) {
        record Scored(Pod pod, int distance) {
        }
        int allowed = Math.max(3, name.length() / 3);
        return pods.stream()
                .map(p -> new Scored(p, distance(stemOf(p.getMetadata().getName(), name), name)))
                .filter(s -> s.distance() <= allowed)
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(s -> s.pod().getMetadata().getName()))
                .limit(5).map(Scored::pod).toList();
    }

    /** The part of a pod name as long as what was typed, so that a typo in a deployment name still matches its pods. */
    private static String stemOf(String podName, String typed) {
        return podName.length() > typed.length() + 1 ? podName.substring(0, typed.length()) : podName;
    }

    /** Levenshtein distance. Pure. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static List<String> names(List<Pod> pods, int most) {
        return pods.stream().limit(most).map(p -> p.getMetadata().getName()).toList();
    }

    private static String listing(List<Pod> pods, int most) {
        List<String> names = pods.stream().limit(most).map(p -> p.getMetadata().getName() + " (" + state(p) + ")").toList();
        return String.join(", ", names) + (pods.size() > most ? ", and " + (pods.size() - most) + " more" : "");
    }

    private static String state(Pod p) {
        if (p.getMetadata().getDeletionTimestamp() != null) {
            return "Terminating";
        }
        String phase = p.getStatus() == null || p.getStatus().getPhase() == null ? "Unknown" : p.getStatus().getPhase();
        return phase + (phase.equals("Running") ? (ready(p) ? ", Ready" : ", not Ready") : "")
                + (restarts(p) > 0 ? ", " + restarts(p) + " restarts" : "");
    }

    /**
     * The containers to look for the JVM in: the one asked for, which must be running; else the only running one,
     * or kubectl's default container; else every running container, for the caller to survey. Ephemeral containers
     * are looked in only when asked for.
     */
    public List<String> candidateContainers(Pod pod, Optional<String> requested) throws CollectionException {
        String name = pod.getMetadata().getName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            throw new CollectionException(Kind.TARGET_GONE, "pod " + name + " is terminating");
        }
        if (!"Running".equals(phase)) {
            throw new CollectionException(Kind.TARGET_GONE, "pod " + name + " is " + (phase == null ? "in no phase" : phase)
                    + ", not Running" + reason(pod) + ": there is no JVM to attach to yet");
        }
        List<String> all = new ArrayList<>();
        pod.getSpec().getContainers().forEach(c -> all.add(c.getName()));
        if (pod.getSpec().getEphemeralContainers() != null) {
            pod.getSpec().getEphemeralContainers().forEach(c -> all.add(c.getName()));
        }
        if (requested.isPresent()) {
            String c = Names.container(requested.get());
            if (!all.contains(c)) {
                throw new CollectionException(Kind.TARGET_GONE, "pod " + name + " has no container '" + c + "'; its containers: "
                        + String.join(", ", all));
            }
            String notRunning = notRunning(pod, c);
            if (notRunning != null) {
                throw new CollectionException(Kind.TARGET_GONE, "container " + c + " of pod " + name + " is not running ("
                        + notRunning + ")");
            }
            return List.of(c);
        }
        // ephemeral containers are debugging aids beside the workload (they may see its processes): only when named
        List<String> workload = pod.getSpec().getContainers().stream().map(c -> c.getName()).toList();
        List<String> running = workload.stream().filter(c -> notRunning(pod, c) == null).toList();
        if (running.isEmpty()) {
            List<String> why = workload.stream().map(c -> c + ": " + notRunning(pod, c)).toList();
            throw new CollectionException(Kind.TARGET_GONE, "no container of pod " + name + " is running ("
                    + String.join("; ", why) + ")");
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String preferred = annotations == null ? null : annotations.get(DEFAULT_CONTAINER);
        if (running.size() > 1 && preferred != null && running.contains(preferred)) {
            return List.of(preferred);
        }
        return running;
    }

    /** Why a container is not running, or null when it is. */
    private static String notRunning(Pod pod, String container) {
        List<ContainerStatus> statuses = new ArrayList<>();
        if (pod.getStatus().getContainerStatuses() != null) {
            statuses.addAll(pod.getStatus().getContainerStatuses());
        }
        if (pod.getStatus().getEphemeralContainerStatuses() != null) {
            statuses.addAll(pod.getStatus().getEphemeralContainerStatuses());
        }
        for (ContainerStatus s : statuses) {
            if (s.getName().equals(container)) {
                if (s.getState() == null) {
                    return "no state reported";
                }
                if (s.getState().getRunning() != null) {
                    return null;
                }
                if (s.getState().getWaiting() != null) {
                    return "waiting: " + s.getState().getWaiting().getReason();
                }
                if (s.getState().getTerminated() != null) {
                    return "terminated: " + s.getState().getTerminated().getReason()
                            + ", exit code " + s.getState().getTerminated().getExitCode();
                }
                return "no state reported";
            }
        }
        return "no status reported yet";
    }

    private static String reason(Pod pod) {
        String r = pod.getStatus() == null ? null : pod.getStatus().getReason();
        return r == null ? "" : " (" + r + ")";
    }

    /** Where a JVM was found in a pod, and the transport that reaches it. */
    public record Located(Resolved pod, String container, KubeExecTransport transport, JvmProcess jvm, List<String> notes) {
    }

    /**
     * Finds the JVM in the pod: surveys the candidate containers (one exec each; one container in the usual case)
     * and picks by pid or main class when several JVMs run.
     */
    public Located locate(Resolved pod, Optional<String> container, Optional<Long> pid, Optional<String> mainClass)
            throws CollectionException {
        List<String> candidates = candidateContainers(pod.pod(), container);
        List<String> notes = new ArrayList<>();
        if (!pod.note().isEmpty()) {
            notes.add(pod.note());
        }
        List<String> withJvm = new ArrayList<>();
        List<String> unsearched = new ArrayList<>();
        boolean noShell = false;
        KubeExecTransport chosen = null;
        List<JvmProcess> jvms = List.of();
        for (String c : candidates) {
            KubeExecTransport t = transport(pod, c);
            List<JvmProcess> found;
            try {
                found = new JvmDiscovery(t, -1, surveyTimeout).list();
            } catch (CollectionException e) {
                // one sidecar without a shell, or hanging, does not keep Sage from the others
                if (candidates.size() == 1 || e.kind() != Kind.COMMAND_NOT_FOUND && e.kind() != Kind.TIMEOUT) {
                    throw e;
                }
                noShell |= e.kind() == Kind.COMMAND_NOT_FOUND;
                unsearched.add("container " + c + " was not searched: " + e.getMessage());
                continue;
            }
            if (!found.isEmpty()) {
                withJvm.add(c);
                chosen = t;
                jvms = found;
            }
        }
        if (withJvm.isEmpty() && !unsearched.isEmpty()) {
            throw new CollectionException(noShell ? Kind.COMMAND_NOT_FOUND : Kind.TIMEOUT, "no JVM was found in the"
                    + " containers Sage could search"
                    + " in pod " + pod.name() + "; " + String.join("; ", unsearched));
        }
        if (withJvm.isEmpty()) {
            throw new CollectionException(Kind.TARGET_GONE, "no JVM is running in " + (candidates.size() == 1
                    ? "container " + candidates.get(0) : "any container (" + String.join(", ", candidates) + ")")
                    + " of pod " + pod.name());
        }
        if (withJvm.size() > 1) {
            throw new CollectionException(Kind.UNSUPPORTED, "JVMs run in " + withJvm.size() + " containers of pod "
                    + pod.name() + " (" + String.join(", ", withJvm) + "); say which", null,
                    List.of(Remedy.NAME_CONTAINER), withJvm);
        }
        notes.addAll(unsearched);
        if (candidates.size() > 1) {
            notes.add("container " + withJvm.get(0) + " is the one of " + candidates.size() + " running a JVM");
        }
        JvmProcess jvm = new JvmDiscovery(chosen, -1).choose(jvms, pid, mainClass);
        return new Located(pod, withJvm.get(0), chosen, jvm, notes);
    }

    /** The transport that runs commands in one container of the pod. */
    public KubeExecTransport transport(Resolved pod, String container) {
        return new KubeExecTransport(client.getHttpClient(), apiServer, pod.namespace(), pod.name(), container);
    }

    /** The pod as it is now, by its exact name; gone is an error. */
    public Resolved refresh(Resolved pod) throws CollectionException {
        Pod now;
        try {
            now = client.pods().inNamespace(pod.namespace()).withName(pod.name()).get();
        } catch (KubernetesClientException e) {
            throw KubeErrors.api(e, "get", "pods", pod.namespace());
        }
        if (now == null) {
            throw new CollectionException(Kind.TARGET_GONE, "pod " + pod.name() + " in namespace " + pod.namespace()
                    + " no longer exists (deleted or replaced while Sage was collecting)");
        }
        return new Resolved(now, pod.note());
    }

    /** The log of one container of the pod, where a JVM's standard output (and a SIGQUIT thread dump) goes. */
    public dev.sage.collect.Collector.OutputLog log(Resolved pod, String container) {
        return new dev.sage.collect.Collector.OutputLog() {
            @Override
            public String since(java.time.Instant since, long cap) throws CollectionException {
                int seconds = (int) Math.max(1, java.time.Duration.between(since, java.time.Instant.now()).toSeconds() + 2);
                try {
                    String log = client.pods().inNamespace(pod.namespace()).withName(pod.name()).inContainer(container)
                            .limitBytes((int) Math.min(cap, Integer.MAX_VALUE)).sinceSeconds(seconds).getLog();
                    return log == null ? "" : log;
                } catch (KubernetesClientException e) {
                    throw KubeErrors.api(e, "get", "pods/log", pod.namespace());
                }
            }

            @Override
            public String describe() {
                return "the log of container " + container;
            }
        };
    }

    /** Names of the ephemeral containers Sage adds: {@code sage-debug-} and a random suffix. */
    static final String DEBUG_PREFIX = "sage-debug-";

    /**
     * An ephemeral container from {@code image} beside {@code target}, sharing its processes, sleeping for an hour:
     * a running one Sage added before with the same image is reused. Waits until it runs. It cannot be removed from
     * the pod afterwards (Kubernetes does not allow it); it exits after the hour.
     *
     * @return its name, and whether Sage added it now
     */
    public Map.Entry<String, Boolean> debugContainer(Resolved pod, String target, String image, Duration wait)
            throws CollectionException {
        Names.container(target);
        Names.image(image);
        if (pod.pod().getSpec().getEphemeralContainers() != null) {
            for (var c : pod.pod().getSpec().getEphemeralContainers()) {
                if (c.getName().startsWith(DEBUG_PREFIX) && image.equals(c.getImage())
                        && target.equals(c.getTargetContainerName()) && notRunning(pod.pod(), c.getName()) == null) {
                    return Map.entry(c.getName(), false);
                }
            }
        }
        String name = DEBUG_PREFIX + Long.toString(new java.security.SecureRandom().nextLong() >>> 1, 36).substring(0, 5);
        String patch = "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"" + name + "\",\"image\":\"" + image
                + "\",\"targetContainerName\":\"" + target + "\",\"command\":[\"sleep\",\"3600\"],"
                + "\"stdin\":false,\"tty\":false}]}}";
        // a change to the pod that cannot be undone: on record before it is made, like every command Sage runs
        long start = System.nanoTime();
        ExecAudits.around("pod " + pod.namespace() + "/" + pod.name() + " (Kubernetes API)", List.of("PATCH",
                "pods/" + pod.name() + "/ephemeralcontainers", "name=" + name, "image=" + image, "target=" + target),
                new byte[0], () -> {
                    try {
                        client.pods().inNamespace(pod.namespace()).withName(pod.name()).ephemeralContainers().patch(
                                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                        io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE), patch);
                    } catch (KubernetesClientException e) {
                        throw KubeErrors.api(e, "patch", "pods/ephemeralcontainers", pod.namespace());
                    }
                    return new ExecResult(0, new byte[0], "", false, Duration.ofNanos(System.nanoTime() - start));
                });
        long deadline = System.nanoTime() + wait.toNanos();
        String why = "not started";
        while (System.nanoTime() < deadline) {
            Resolved now = refresh(pod);
            why = notRunning(now.pod(), name);
            if (why == null) {
                return Map.entry(name, true);
            }
            if (why.startsWith("terminated") || why.contains("ErrImagePull") || why.contains("ImagePullBackOff")
                    || why.contains("InvalidImageName")) {
                break; // it will not start
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new CollectionException(Kind.TIMEOUT, "the ephemeral container " + name + " (" + image + ") Sage added to pod "
                + pod.name() + " did not start (" + why + ", after up to " + wait.toSeconds() + " s); it stays in the pod,"
                + " as every ephemeral container does");
    }

    /**
     * A healthy pod of the same owner (ReplicaSet, StatefulSet, DaemonSet, Job) to compare with: Running, Ready, not
     * terminating, fewest restarts, then by name.
     */
    public Resolved healthySibling(Resolved pod) throws CollectionException {
        Optional<OwnerReference> owner = pod.pod().getMetadata().getOwnerReferences() == null ? Optional.empty()
                : pod.pod().getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
        if (owner.isEmpty()) {
            throw new CollectionException(Kind.UNSUPPORTED, "pod " + pod.name() + " has no owner (no ReplicaSet, StatefulSet"
                    + " or DaemonSet manages it), so it has no siblings: name a pod to compare with", null,
                    List.of(Remedy.NAME_SIBLING), List.of());
        }
        String uid = owner.get().getUid();
        List<Pod> siblings = list(pod.namespace()).stream()
                .filter(p -> !p.getMetadata().getName().equals(pod.name()))
                .filter(p -> p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid())))
                .toList();
        String what = owner.get().getKind() + " " + owner.get().getName();
        Optional<Pod> best = siblings.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && ready(p))
                .min(Comparator.comparingInt(KubeCluster::restarts).thenComparing(p -> p.getMetadata().getName()));
        if (best.isEmpty()) {
            throw new CollectionException(Kind.TARGET_GONE, siblings.isEmpty()
                    ? what + " has no other pod to compare " + pod.name() + " with"
                    : "no other pod of " + what + " is Running and Ready: " + listing(siblings, 5));
        }
        Pod p = best.get();
        return new Resolved(p, "compared with " + p.getMetadata().getName() + ", the Ready pod of " + what + " with the"
                + " fewest restarts (" + restarts(p) + ")");
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return p.getStatus().getContainerStatuses().stream()
                .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).sum();
    }

    @Override
    public void close() {
        client.close();
    }
}
