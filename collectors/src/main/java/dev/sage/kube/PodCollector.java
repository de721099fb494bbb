package dev.sage.kube;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
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
 * container, then jattach in the container (both by the {@link Collector}); then, when allowed, an ephemeral debug
 * container from a JDK image that shares the JVM's processes; then, when allowed, a thread dump by SIGQUIT read back
 * from the container's log. The outcome's notes say which way was used and why the earlier ones were not.
 */
public final class PodCollector {
    /**
     * The opt-in ways down the ladder.
     *
     * @param debugImage a JDK image for an ephemeral debug container, or empty to never add one (it cannot be removed)
     * @param allowSigquit whether a thread dump by SIGQUIT, read from the container log, may be the last way
     */
    public record Options(Optional<String> debugImage, boolean allowSigquit) {
        public static final Options NONE = new Options(Optional.empty(), false);
    }

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
                throw new CollectionException(Kind.UNSUPPORTED, e.getMessage() + ". Say which container runs the JVM"
                        + " with -c, so that Sage can look at it from a debug container", e);
            }
            return viaDebugContainer(start, pod, candidates.get(0), pid, mainClass, plan, options.debugImage().get(),
                    e.getMessage());
        }
        Duration found = since(start);
        try {
            return outcome(found, new Collector(at.transport()).collect(at.jvm(), plan), at, at.container(), at.notes());
        } catch (CollectionException e) {
            if (e.kind() != Kind.COMMAND_NOT_FOUND) {
                throw e;
            }
            if (options.debugImage().isPresent()) {
                return viaDebugContainer(start, pod, at.container(), Optional.of(at.jvm().pid()), mainClass, plan,
                        options.debugImage().get(), e.getMessage());
            }
            if (options.allowSigquit()) {
                Collector.Result r = new Collector(at.transport()).threadDumpBySignal(at.jvm(), plan,
                        cluster.log(pod, at.container()));
                return outcome(found, r, at, at.container(), at.notes());
            }
            throw new CollectionException(Kind.COMMAND_NOT_FOUND, e.getMessage() + " Other ways, both opt-in:"
                    + " --debug-image IMAGE adds an ephemeral container with a JDK (e.g. eclipse-temurin:21-jdk) that shares"
                    + " the JVM's processes (Kubernetes cannot remove it afterwards); --allow-sigquit takes a thread dump"
                    + " only, by SIGQUIT, from the container's log", e);
        }
    }

    private Outcome viaDebugContainer(long start, KubeCluster.Resolved pod, String target, Optional<Long> pid,
                                      Optional<String> mainClass, CollectionPlan plan, String image, String why)
            throws CollectionException {
        Map.Entry<String, Boolean> debug = cluster.debugContainer(pod, target, image, DEBUG_START);
        KubeCluster.Located there = cluster.locate(cluster.refresh(pod), Optional.of(debug.getKey()), pid, mainClass);
        Duration found = since(start);
        List<String> notes = new ArrayList<>(there.notes());
        notes.add(why);
        notes.add("so Sage " + (debug.getValue() ? "added" : "reused") + " the ephemeral container " + debug.getKey() + " ("
                + image + "), which shares the processes of container " + target + ", and collected from there."
                + " Kubernetes cannot remove an ephemeral container: it stays in pod " + pod.name()
                + " (it exits after an hour)");
        return outcome(found, new Collector(there.transport()).collect(there.jvm(), plan), there, target, notes);
    }

    /** The result with the notes of how the JVM was found before its own, and the time that took before its timings. */
    private static Outcome outcome(Duration found, Collector.Result r, KubeCluster.Located at, String container,
                                   List<String> notes) {
        Map<String, Duration> timings = new LinkedHashMap<>();
        timings.put("find the JVM", found);
        timings.putAll(r.timings());
        List<String> all = new ArrayList<>(notes);
        all.addAll(r.notes());
        return new Outcome(new Collector.Result(r.snapshot(), timings, r.via(), all), at, container);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
