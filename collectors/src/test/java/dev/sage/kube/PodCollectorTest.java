package dev.sage.kube;

import dev.sage.collect.CollectionPlan;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.transport.CollectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The no-jcmd ladder in a pod whose image is a bare JRE: the container is this machine with a PATH of shell tools only,
 * and its JVM a real one from a jlinked java.base runtime.
 */
class PodCollectorTest {
    @TempDir
    Path dir;
    private FakeApiServer api;
    private KubeCluster cluster;
    private PodCollector pods;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
        cluster = KubeCluster.connect(Optional.empty(), Duration.ofSeconds(10));
        pods = new PodCollector(cluster);
        api.addPod("prod", "slim-1", null, 0, "app");
        api.environment("app", Map.of("PATH", ScenarioJvm.toolsOnly(dir).toString()));
    }

    @AfterEach
    void stop() {
        cluster.close();
        api.close();
        System.clearProperty("kubeconfig");
    }

    private KubeCluster.Resolved pod() throws CollectionException {
        return cluster.resolve("prod", "slim-1");
    }

    @Test
    void withoutAnyWayTheFailureOffersTheOptInWays() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "idle", List.of())) {
            assertThatThrownBy(() -> pods.collect(pod(), Optional.empty(), Optional.of(jvm.pid()), Optional.empty(),
                    CollectionPlan.defaults(), PodCollector.Options.NONE))
                    .hasMessageStartingWith("jcmd is not installed on pod/slim-1 -n prod -c app")
                    .satisfies(e -> assertThat(((dev.sage.transport.CollectionException) e).remedies()).containsExactly(
                            dev.sage.collect.Remedy.COPY_JATTACH, dev.sage.collect.Remedy.DEBUG_CONTAINER,
                            dev.sage.collect.Remedy.SIGQUIT));
        }
    }

    @Test
    void aCopiedJattachCollectsEverythingAndIsRemovedAfter() throws Exception {
        Path jattach = Path.of("/usr/bin/jattach");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(jattach), "needs jattach");
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "deadlock-monitors", List.of())) {
            PodCollector.Outcome o = pods.collect(pod(), Optional.empty(), Optional.of(jvm.pid()), Optional.empty(),
                    CollectionPlan.defaults(), new PodCollector.Options(Optional.of(jattach), Optional.empty(), false));
            JvmSnapshot s = o.result().snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks()).hasSize(1);
            assertThat(s.lastHistogram()).isNotNull();
            assertThat(s.heap()).isNotNull();
            List<String> notes = o.result().notes();
            assertThat(notes.get(0)).startsWith("jcmd is not installed on pod/slim-1 -n prod -c app");
            assertThat(notes.get(1)).matches("so Sage copied jattach \\(\\d+ KiB, from /usr/bin/jattach\\) to"
                    + " /tmp/sage-jattach-[0-9a-z]+ in container app, attached with it, and removed it");
            String copy = notes.get(1).replaceFirst(".* to (/tmp/sage-jattach-[0-9a-z]+) .*", "$1");
            assertThat(Path.of(copy)).doesNotExist();
            assertThat(api.execs()).anyMatch(e -> e.startsWith("EXEC app sh -c umask 077; head -c"));
        }
    }

    @Test
    void sigquitGivesTheThreadDumpFromTheContainerLog() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "deadlock-monitors", List.of())) {
            api.log("prod", "slim-1", () -> String.join("\n", jvm.output()) + "\n");
            PodCollector.Outcome o = pods.collect(pod(), Optional.empty(), Optional.of(jvm.pid()), Optional.empty(),
                    CollectionPlan.defaults(), new PodCollector.Options(Optional.empty(), Optional.empty(), true));
            JvmSnapshot s = o.result().snapshot();
            assertThat(s.lastThreadDump().deadlocks().get(0).threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B");
            assertThat(s.process().pid()).isEqualTo(jvm.pid());
            assertThat(s.histograms()).isEmpty();
            assertThat(o.result().notes()).containsExactly("neither jcmd nor jattach is installed on pod/slim-1 -n prod -c app, so"
                    + " Sage sent SIGQUIT to pid " + jvm.pid() + " (it handles the signal) and read the thread dump it printed"
                    + " from the log of container app: heap, class histogram and native memory need jcmd");
            assertThat(jvm.process().isAlive()).isTrue();
        }
    }

    @Test
    void aJvmStartedWithXrsIsNeverSignalled() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "idle", List.of("-Xrs"))) {
            assertThatThrownBy(() -> pods.collect(pod(), Optional.empty(), Optional.of(jvm.pid()), Optional.empty(),
                    CollectionPlan.defaults(), new PodCollector.Options(Optional.empty(), Optional.empty(), true)))
                    .hasMessage("pid " + jvm.pid() + " does not handle SIGQUIT (started with -Xrs?): the signal would kill"
                            + " it, so Sage did not send it");
            assertThat(jvm.process().isAlive()).isTrue();
        }
    }

    @Test
    void aDebugContainerWithAJdkIsAddedOnceAndReused() throws Exception {
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "deadlock-locks", List.of())) {
            PodCollector.Options debug = new PodCollector.Options(Optional.empty(), Optional.of("eclipse-temurin:21-jdk"), true);
            List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
            dev.sage.transport.ExecAudit audit = new dev.sage.transport.ExecAudit() {
                @Override
                public void before(String where, List<String> argv, byte[] stdin) {
                    audited.add(where + ": " + String.join(" ", argv.subList(0, Math.min(2, argv.size()))));
                }

                @Override
                public void after(String where, List<String> argv, int exitCode, java.time.Duration took, long bytes,
                                  dev.sage.transport.CollectionException failure) {
                }
            };
            PodCollector.Outcome o = dev.sage.transport.ExecAudits.with(audit, () -> pods.collect(pod(), Optional.empty(),
                    Optional.of(jvm.pid()), Optional.empty(), CollectionPlan.defaults(), debug));
            assertThat(audited).as("the pod's change is on record before it is made, with the commands")
                    .contains("pod prod/slim-1 (Kubernetes API): PATCH pods/slim-1/ephemeralcontainers")
                    .anyMatch(a -> a.contains("sage-debug-") && a.contains(": sh -c"));
            JvmSnapshot s = o.result().snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks()).hasSize(1);
            assertThat(s.lastHistogram()).isNotNull();
            String name = o.at().container();
            assertThat(name).startsWith("sage-debug-");
            assertThat(o.result().notes()).hasSize(2);
            assertThat(o.result().notes().get(0)).startsWith("jcmd is not installed on pod/slim-1 -n prod -c app");
            assertThat(o.result().notes().get(1)).isEqualTo("so Sage added the ephemeral container " + name + " (eclipse-temurin:21-jdk),"
                    + " which shares the processes of container app, and collected from there. Kubernetes cannot remove an"
                    + " ephemeral container: it stays in pod slim-1 (it exits after an hour)");

            PodCollector.Outcome again = pods.collect(pod(), Optional.empty(), Optional.of(jvm.pid()), Optional.empty(),
                    CollectionPlan.defaults().withoutHistogram(), debug);
            assertThat(again.at().container()).isEqualTo(name);
            assertThat(again.result().notes().get(1)).startsWith("so Sage reused the ephemeral container " + name);
            assertThat(api.requests().stream().filter(r -> r.startsWith("PATCH"))).hasSize(1);
        }
    }
}
