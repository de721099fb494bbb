package dev.sage.kube;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.transport.CollectionException;
import dev.sage.transport.CollectionException.Kind;

import java.time.Duration;
import java.util.ArrayList;
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
     * What was collected, where the JVM was, and how it was reached.
     *
     * @param at where the commands ran: the JVM's container, or the debug container beside it
     * @param container the container running the JVM
     */
    public record Outcome(Collector.Result result, KubeCluster.Located at, String container, List<String> notes) {
        public Outcome {
            notes = List.copyOf(notes);
        }
    }

    /** How long an ephemeral container may take to start (its image may need pulling). */
    static final Duration DEBUG_START = Duration.ofSeconds(90);

    private final KubeCluster cluster;

    public PodCollector(KubeCluster cluster) {
        this.cluster = cluster;
    }

    public Outcome collect(KubeCluster.Resolved pod, Optional<String> container, Optional<Long> pid,
                           Optional<String> mainClass, CollectionPlan plan, Options options) throws CollectionException {
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
            return viaDebugContainer(pod, candidates.get(0), pid, mainClass, plan, options.debugImage().get(), e.getMessage());
        }
        try {
            Collector.Result r = new Collector(at.transport()).collect(at.jvm(), plan);
            return new Outcome(r, at, at.container(), join(at.notes(), r.notes()));
        } catch (CollectionException e) {
            if (e.kind() != Kind.COMMAND_NOT_FOUND) {
                throw e;
            }
            if (options.debugImage().isPresent()) {
                return viaDebugContainer(pod, at.container(), Optional.of(at.jvm().pid()), mainClass, plan,
                        options.debugImage().get(), e.getMessage());
            }
            if (options.allowSigquit()) {
                Collector.Result r = new Collector(at.transport()).threadDumpBySignal(at.jvm(), plan,
                        cluster.log(pod, at.container()));
                return new Outcome(r, at, at.container(), join(at.notes(), r.notes()));
            }
            throw new CollectionException(Kind.COMMAND_NOT_FOUND, e.getMessage() + " Other ways, both opt-in:"
                    + " --debug-image IMAGE adds an ephemeral container with a JDK (e.g. eclipse-temurin:21-jdk) that shares"
                    + " the JVM's processes (Kubernetes cannot remove it afterwards); --allow-sigquit takes a thread dump"
                    + " only, by SIGQUIT, from the container's log", e);
        }
    }

    private Outcome viaDebugContainer(KubeCluster.Resolved pod, String target, Optional<Long> pid, Optional<String> mainClass,
                                      CollectionPlan plan, String image, String why) throws CollectionException {
        Map.Entry<String, Boolean> debug = cluster.debugContainer(pod, target, image, DEBUG_START);
        KubeCluster.Resolved now = cluster.refresh(pod);
        KubeCluster.Located there = cluster.locate(now, Optional.of(debug.getKey()), pid, mainClass);
        Collector.Result r = new Collector(there.transport()).collect(there.jvm(), plan);
        List<String> notes = new ArrayList<>();
        if (!pod.note().isEmpty()) {
            notes.add(pod.note());
        }
        notes.add(why);
        notes.add("so Sage " + (debug.getValue() ? "added" : "reused") + " the ephemeral container " + debug.getKey() + " ("
                + image + "), which shares the processes of container " + target + ", and collected from there."
                + " Kubernetes cannot remove an ephemeral container: it stays in pod " + pod.name()
                + " (it exits after an hour)");
        notes.addAll(r.notes());
        return new Outcome(r, there, target, notes);
    }

    private static List<String> join(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
