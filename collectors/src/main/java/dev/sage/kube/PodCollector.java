package dev.sage.kube;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.collect.JvmProcess;
import dev.sage.collect.Remedy;
import dev.sage.transport.CollectionException;
import dev.sage.transport.CollectionException.Kind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects from the JVM in a pod, down the ladder when its image has no jcmd, trying each way in turn: jcmd in the
 * container, then jattach in the container (both by the {@link Collector}); then, when allowed, a jattach binary
 * copied into the container's /tmp (and removed after); then, when allowed, an ephemeral debug container from a JDK
 * image that shares the JVM's processes; then, when allowed, a thread dump by SIGQUIT read back from the container's
 * log. The outcome's notes say which way was used and why the earlier ones were not.
 */
public final class PodCollector {
    /**
     * The opt-in ways down the ladder.
     *
     * @param jattachCopy a jattach binary to copy into the container's /tmp, or empty to never write there
     * @param debugImage a JDK image for an ephemeral debug container, or empty to never add one (it cannot be removed)
     * @param allowSigquit whether a thread dump by SIGQUIT, read from the container log, may be the last way
     */
    public record Options(Optional<java.nio.file.Path> jattachCopy, Optional<String> debugImage, boolean allowSigquit) {
        public static final Options NONE = new Options(Optional.empty(), Optional.empty(), false);
    }

    /** The most Sage copies into a container: a static jattach is about 100 KB. */
    static final int MAX_COPY = 4 << 20;

    /**
     * What was collected, where the JVM was, and how it was reached: the result's notes say which way and why, and
     * its timings begin with finding the JVM.
     *
     * @param at where the commands ran: the JVM's container, or the debug container beside it
     * @param container the container running the JVM
     */
    public record Outcome(Collector.Result result, KubeCluster.Located at, String container) {
    }

    /** How long an ephemeral container may take to start (its image may need pulling). */
    static final Duration DEBUG_START = Duration.ofSeconds(90);

    private final KubeCluster cluster;

    public PodCollector(KubeCluster cluster) {
        this.cluster = cluster;
    }

    public Outcome collect(KubeCluster.Resolved pod, Optional<String> container, Optional<Long> pid,
                           Optional<String> mainClass, CollectionPlan plan, Options options) throws CollectionException {
        return collect(pod, container, pid, mainClass, plan, options, Collector.RoundListener.NONE);
    }

    /**
     * As above, telling {@code rounds} of each round as it is in. Thread-safe as its {@link KubeCluster} is: several
     * collections may run at once.
     */
    public Outcome collect(KubeCluster.Resolved pod, Optional<String> container, Optional<Long> pid,
                           Optional<String> mainClass, CollectionPlan plan, Options options,
                           Collector.RoundListener rounds) throws CollectionException {
        long start = System.nanoTime();
        KubeCluster.Located at;
        try {
            at = cluster.locate(pod, container, pid, mainClass);
        } catch (CollectionException e) {
            if (e.kind() != Kind.COMMAND_NOT_FOUND || options.debugImage().isEmpty()) {
                throw e;
            }
            List<String> candidates = cluster.candidateContainers(pod.pod(), container);
            if (candidates.size() != 1) {
                throw new CollectionException(Kind.UNSUPPORTED, e.getMessage() + ". Say which container runs the JVM,"
                        + " so that Sage can look at it from a debug container", e, List.of(Remedy.NAME_CONTAINER), List.of());
            }
            return viaDebugContainer(start, pod, candidates.get(0), pid, mainClass, plan, options.debugImage().get(),
                    e.getMessage(), rounds);
        }
        Duration found = since(start);
        try {
            return outcome(found, new Collector(at.transport()).collect(at.jvm(), plan, rounds), at, at.container(), at.notes());
        } catch (CollectionException e) {
            if (e.kind() != Kind.COMMAND_NOT_FOUND) {
                throw e;
            }
            List<String> why = new ArrayList<>(List.of(e.getMessage()));
            if (options.jattachCopy().isPresent()) {
                try {
                    return viaCopiedJattach(found, at, plan, options.jattachCopy().get(), e.getMessage(), rounds);
                } catch (CollectionException copy) {
                    if (options.debugImage().isEmpty() && !options.allowSigquit()) {
                        throw new CollectionException(copy.kind(), e.getMessage() + " Sage copied jattach in, and that"
                                + " failed: " + copy.getMessage(), copy);
                    }
                    why.add("copying jattach into container " + at.container() + " failed: " + copy.getMessage());
                }
            }
            if (options.debugImage().isPresent()) {
                return viaDebugContainer(start, pod, at.container(), Optional.of(at.jvm().pid()), mainClass, plan,
                        options.debugImage().get(), String.join("; ", why), rounds);
            }
            if (options.allowSigquit()) {
                Collector.Result r = new Collector(at.transport()).threadDumpBySignal(at.jvm(), plan,
                        cluster.log(pod, at.container()));
                List<String> notes = new ArrayList<>(at.notes());
                if (why.size() > 1) {
                    notes.addAll(why.subList(1, why.size()));
                }
                return outcome(found, r, at, at.container(), notes);
            }
            throw new CollectionException(Kind.COMMAND_NOT_FOUND, e.getMessage(), e,
                    List.of(Remedy.COPY_JATTACH, Remedy.DEBUG_CONTAINER, Remedy.SIGQUIT), List.of());
        }
    }

    /** Copies jattach into the container's /tmp, collects with it, and removes it whatever happens. */
    private Outcome viaCopiedJattach(Duration found, KubeCluster.Located at, CollectionPlan plan, java.nio.file.Path file,
                                     String why, Collector.RoundListener rounds) throws CollectionException {
        byte[] binary;
        try {
            if (java.nio.file.Files.size(file) > MAX_COPY) {
                throw new CollectionException(Kind.UNSUPPORTED, file + " is larger than " + (MAX_COPY >> 20)
                        + " MiB: not a jattach binary");
            }
            binary = java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new CollectionException(Kind.UNSUPPORTED, "cannot read " + file + " to copy it: " + e.getMessage(), e);
        }
        if (at.jvm().facts() == null) {
            throw new CollectionException(Kind.TARGET_GONE, "pid " + at.jvm().pid() + " is not among the JVMs found in"
                    + " container " + at.container());
        }
        String path = "/tmp/sage-jattach-" + Long.toString(new java.security.SecureRandom().nextLong() >>> 1, 36);
        KubeExecTransport transport = at.transport();
        try {
            transport.copyIn(binary, path, plan.timeout());
            JvmProcess jvm = new JvmProcess(at.jvm().pid(), at.jvm().mainClass(), at.jvm().facts().withJattach(path));
            Collector.Result r = new Collector(transport).collect(jvm, plan, rounds);
            List<String> notes = new ArrayList<>(at.notes());
            notes.add(why);
            notes.add("so Sage copied jattach (" + (binary.length >> 10) + " KiB, from " + file + ") to " + path
                    + " in container " + at.container() + ", attached with it, and removed it");
            return outcome(found, r, at, at.container(), notes);
        } finally {
            try {
                transport.exec(List.of("rm", "-f", path), new byte[0], Duration.ofSeconds(10), 1 << 10);
            } catch (CollectionException ignored) {
                // the pod or container went away: so did its /tmp
            }
        }
    }

    private Outcome viaDebugContainer(long start, KubeCluster.Resolved pod, String target, Optional<Long> pid,
                                      Optional<String> mainClass, CollectionPlan plan, String image, String why,
                                      Collector.RoundListener rounds) throws CollectionException {
        Map.Entry<String, Boolean> debug = cluster.debugContainer(pod, target, image, DEBUG_START);
        KubeCluster.Located there = cluster.locate(cluster.refresh(pod), Optional.of(debug.getKey()), pid, mainClass);
        Duration found = since(start);
        List<String> notes = new ArrayList<>(there.notes());
        notes.add(why);
        notes.add("so Sage " + (debug.getValue() ? "added" : "reused") + " the ephemeral container " + debug.getKey() + " ("
                + image + "), which shares the processes of container " + target + ", and collected from there."
                + " Kubernetes cannot remove an ephemeral container: it stays in pod " + pod.name()
                + " (it exits after an hour)");
        return outcome(found, new Collector(there.transport()).collect(there.jvm(), plan, rounds), there, target, notes);
    }

    /** The result with the notes of how the JVM was found before its own, and the time that took before its timings. */
    private static Outcome outcome(Duration found, Collector.Result r, KubeCluster.Located at, String container,
                                   List<String> notes) {
        Map<String, Duration> timings = new LinkedHashMap<>();
        timings.put("find the JVM", found);
        timings.putAll(r.timings());
        List<String> all = new ArrayList<>(notes);
        all.addAll(r.notes());
        return new Outcome(new Collector.Result(r.snapshot(), timings, r.via(), all, r.raw()), at, container);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
