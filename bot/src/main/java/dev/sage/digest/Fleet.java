package dev.sage.digest;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.JvmDiscovery;
import dev.sage.collect.JvmProcess;
import dev.sage.kube.KubeCluster;
import dev.sage.service.DiagnoseRequest;
import dev.sage.service.HostGroups;
import dev.sage.service.Target;
import dev.sage.transport.CollectionException;
import dev.sage.transport.LocalTransport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVMs a digest covers, listed when it runs: every JVM on this machine, each host of the named host groups, the
 * Running pods of each selector. What cannot be listed (a cluster out of reach, an unknown host group) is a problem of
 * the digest, said in it; the rest of the fleet is still covered.
 */
public final class Fleet {
    private Fleet() {}

    /** The targets, and what could not be listed. */
    public record Listing(List<FleetTarget> targets, List<String> problems) {
        public Listing {
            targets = List.copyOf(targets);
            problems = List.copyOf(problems);
        }
    }

    /** What a digest takes of each target: light by default (no histogram), one round, within the per-target deadline. */
    public static CollectionPlan plan(DigestSpec spec) {
        CollectionPlan plan = CollectionPlan.defaults().withRounds(1, Duration.ofSeconds(1)).withTimeout(spec.perTarget());
        return spec.histogram() ? plan : plan.withoutHistogram();
    }

    /** Lists the fleet of {@code spec}; {@code hostGroups} is the host groups file. */
    public static Listing of(DigestSpec spec, Path hostGroups) {
        List<FleetTarget> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        CollectionPlan plan = plan(spec);
        if (spec.targets().local()) {
            try {
                for (JvmProcess jvm : new JvmDiscovery(new LocalTransport(), ProcessHandle.current().pid()).list()) {
                    String name = "local:" + jvm.pid();
                    out.add(new FleetTarget(jvm.mainClass().isEmpty() ? name : jvm.mainClass(), name, name,
                            DiagnoseRequest.of(Target.parse(name, false)).withPlan(plan)));
                }
            } catch (CollectionException e) {
                problems.add("the JVMs on this machine could not be listed: " + e.getMessage());
            }
        }
        for (String group : spec.targets().hostGroups()) {
            try {
                HostGroups.Group g = HostGroups.load(hostGroups, group);
                for (Target.Ssh host : g.hosts()) {
                    String name = "ssh://" + host.user().map(u -> u + "@").orElse("") + host.host()
                            + (host.port().isPresent() ? ":" + host.port().getAsInt() : "");
                    out.add(new FleetTarget("hosts/" + group, name, name, DiagnoseRequest.of(host)
                            .withSudoUser(g.sudoUser()).withJvm(Optional.empty(), g.mainClass()).withPlan(plan)));
                }
            } catch (IllegalArgumentException e) {
                problems.add("host group " + group + ": " + e.getMessage());
            }
        }
        for (DigestSpec.Pods pods : spec.targets().kubernetes()) {
            String where = pods.context().map(c -> "context " + c).orElse("the default context");
            try (KubeCluster cluster = KubeCluster.connect(pods.context(), spec.perTarget())) {
                for (String ns : pods.namespaces()) {
                    try {
                        for (KubeCluster.Member m : cluster.members(ns, pods.selector())) {
                            out.add(new FleetTarget(ns + "/" + m.owner(), "pod/" + m.name() + " -n " + ns, m.name(),
                                    DiagnoseRequest.of(new Target.Pod(m.name())).withNamespace(Optional.of(ns))
                                            .withContext(pods.context()).withPlan(plan)));
                        }
                    } catch (CollectionException e) {
                        problems.add("the pods of namespace " + ns + " (" + where + ") could not be listed: "
                                + e.getMessage());
                    }
                }
            } catch (CollectionException e) {
                problems.add(where + " could not be reached: " + e.getMessage());
            }
        }
        return new Listing(out, problems);
    }
}
