package dev.sage.kube;

import dev.sage.collect.CollectionPlan;
import dev.sage.collect.Collector;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.snapshot.JvmSnapshot;
import dev.sage.transport.CollectionException;
import dev.sage.transport.CollectionException.Kind;
import dev.sage.transport.ExecResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Collection through a Kubernetes API server: the real fabric8 client and its HTTP stack, the real exec WebSocket
 * protocol, and real commands (jcmd included) run against real JVMs.
 */
class KubeClusterTest {
    private static final Optional<String> SCENARIO = Optional.of("dev.sage.scenarios.Scenario");
    @TempDir
    Path dir;
    private FakeApiServer api;
    private KubeCluster cluster;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
        cluster = KubeCluster.connect(Optional.empty(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        cluster.close();
        api.close();
        System.clearProperty("kubeconfig");
    }

    @Test
    void aDeadlockedJvmInAPodIsDiagnosedInTwoExecs() throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            KubeCluster.Resolved pod = cluster.resolve(cluster.defaultNamespace(), "payments-7d9f8-x2kq");
            KubeCluster.Located at = cluster.locate(pod, Optional.empty(), Optional.empty(), SCENARIO);
            assertThat(at.jvm().pid()).isEqualTo(jvm.pid());
            assertThat(at.container()).isEqualTo("app");

            JvmSnapshot s = new Collector(at.transport()).collect(at.jvm(), CollectionPlan.defaults()).snapshot();
            assertThat(s.problems()).isEmpty();
            assertThat(s.lastThreadDump().deadlocks()).hasSize(1);
            assertThat(s.lastThreadDump().deadlocks().get(0).threadNames()).containsExactlyInAnyOrder("deadlock-A", "deadlock-B");
            assertThat(s.lastHistogram()).isNotNull();
            assertThat(s.heap()).isNotNull();
            assertThat(s.process().pid()).isEqualTo(jvm.pid());
            assertThat(api.execs()).as("exec round trips").hasSize(2);
            assertThat(api.requests()).as("HTTP requests: the pod, then the two execs").hasSize(3);
            assertThat(at.transport().describe()).isEqualTo("pod/payments-7d9f8-x2kq -n prod -c app");
        }
    }

    @Test
    void argumentsAndStandardInputArriveUnchangedAndNothingIsEvaluated() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        Path marker = dir.resolve("marker");
        List<String> hostile = List.of("; touch " + marker, "$(touch " + marker + ")", "`touch " + marker + "`",
                "' \" \\ $HOME", "line\nbreak", "ünïcødé ✓", "", " -n", "%s%n", "&& touch " + marker);
        for (String h : hostile) {
            ExecResult r = t.exec(List.of("printf", "%s", h), new byte[0], Duration.ofSeconds(10), 1 << 20);
            assertThat(r.stdoutText()).isEqualTo(h);
            ExecResult c = t.exec(List.of("cat"), ("x" + h).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    Duration.ofSeconds(10), 1 << 20);
            assertThat(c.stdoutText()).as("stdin").isEqualTo("x" + h);
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void exitCodesStandardErrorAndTheOutputCapAreKept() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        ExecResult failed = t.exec(List.of("sh", "-c", "echo oops >&2; exit 3"), new byte[0], Duration.ofSeconds(10), 1 << 20);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.stderr()).isEqualTo("oops\n");
        ExecResult big = t.exec(List.of("head", "-c", "3000000", "/dev/zero"), new byte[0], Duration.ofSeconds(10), 100_000);
        assertThat(big.stdout()).hasSize(100_000);
        assertThat(big.truncated()).isTrue();
    }

    @Test
    void aCommandPastItsDeadlineIsStoppedInTheContainerToo() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        long start = System.nanoTime();
        assertThatThrownBy(() -> t.exec(List.of("sleep", "37"), new byte[0], Duration.ofSeconds(2), 1 << 20))
                .isInstanceOf(CollectionException.class)
                .hasMessage("sleep in pod/web-1 -n prod -c app did not finish within 2 s and was stopped")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        Thread.sleep(300);
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains("37")).orElse(false)
                && p.info().command().orElse("").endsWith("sleep"))).isEmpty();
    }

    @Test
    void aStemOrDeploymentNameFindsTheOnlyPodStartingWithIt() throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        api.addPod("prod", "orders-55c6d-abcde", "orders-55c6d", 0, "app");
        KubeCluster.Resolved r = cluster.resolve("prod", "payments");
        assertThat(r.name()).isEqualTo("payments-7d9f8-x2kq");
        assertThat(r.note()).isEqualTo("'payments' is pod payments-7d9f8-x2kq, the only pod in prod whose name starts with it");
    }

    @Test
    void severalPodsStartingWithTheNameAreListedToChooseFrom() {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        api.addPod("prod", "payments-7d9f8-b4nwz", "payments-7d9f8", 2, "app");
        assertThatThrownBy(() -> cluster.resolve("prod", "payments"))
                .hasMessage("2 pods in namespace prod start with 'payments'; name one: payments-7d9f8-b4nwz (Running, Ready,"
                        + " 2 restarts), payments-7d9f8-x2kq (Running, Ready)");
    }

    @Test
    void aMistypedNameGetsTheClosestNames() {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        api.addPod("prod", "orders-55c6d-abcde", "orders-55c6d", 0, "app");
        assertThatThrownBy(() -> cluster.resolve("prod", "paymnets-7d9f8-x2kq"))
                .isInstanceOf(CollectionException.class)
                .hasMessage("no pod 'paymnets-7d9f8-x2kq' in namespace prod; did you mean payments-7d9f8-x2kq (Running, Ready)?")
                .satisfies(e -> assertThat(((CollectionException) e).candidates()).containsExactly("payments-7d9f8-x2kq"));
        assertThatThrownBy(() -> cluster.resolve("prod", "zookeeper"))
                .hasMessage("no pod 'zookeeper' in namespace prod (it has 2 pods, none with a similar name; is it the right"
                        + " namespace?)");
        assertThatThrownBy(() -> cluster.resolve("staging", "payments"))
                .hasMessage("namespace staging has no pods (is it the right namespace?)")
                .satisfies(e -> assertThat(((CollectionException) e).remedies())
                        .containsExactly(dev.sage.collect.Remedy.NAME_NAMESPACE));
    }

    @Test
    void theContainerRunningTheJvmIsFoundAmongSidecars() throws Exception {
        api.addPod("prod", "payments-1", null, 0, "istio-proxy", "app");
        api.behave("istio-proxy", FakeApiServer.Behaviour.NO_JVM);
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            KubeCluster.Located at = cluster.locate(cluster.resolve("prod", "payments-1"), Optional.empty(), Optional.empty(), SCENARIO);
            assertThat(at.container()).isEqualTo("app");
            assertThat(at.notes()).containsExactly("container app is the one of 2 running a JVM");
        }
    }

    @Test
    void aHangingSidecarIsSkippedAndSaidSo() throws Exception {
        api.addPod("prod", "payments-1", null, 0, "envoy", "app");
        api.behave("envoy", FakeApiServer.Behaviour.HANGS);
        try (ScenarioJvm jvm = ScenarioJvm.start("idle");
             KubeCluster quick = KubeCluster.connect(Optional.empty(), Duration.ofSeconds(2))) {
            KubeCluster.Located at = quick.locate(quick.resolve("prod", "payments-1"), Optional.empty(), Optional.empty(), SCENARIO);
            assertThat(at.container()).isEqualTo("app");
            assertThat(at.jvm().pid()).isEqualTo(jvm.pid());
            assertThat(at.notes()).containsExactly("container envoy was not searched: sh in pod/payments-1 -n prod -c envoy"
                    + " did not finish within 2 s and was stopped", "container app is the one of 2 running a JVM");
        }
    }

    @Test
    void kubectlsDefaultContainerAnnotationIsHonouredWithoutProbing() throws Exception {
        Pod pod = api.addPod("prod", "payments-1", null, 0, "istio-proxy", "app");
        api.put(new PodBuilder(pod).editMetadata().addToAnnotations(KubeCluster.DEFAULT_CONTAINER, "app").endMetadata().build());
        assertThat(cluster.candidateContainers(cluster.resolve("prod", "payments-1").pod(), Optional.empty())).containsExactly("app");
    }

    @Test
    void aContainerThatIsNotRunningOrDoesNotExistIsNamedWithItsState() throws Exception {
        Pod pod = api.addPod("prod", "payments-1", null, 4, "app");
        api.put(new PodBuilder(pod).editStatus().editFirstContainerStatus().withNewState().withNewWaiting()
                .withReason("CrashLoopBackOff").endWaiting().endState().endContainerStatus().endStatus().build());
        Pod p = cluster.resolve("prod", "payments-1").pod();
        assertThatThrownBy(() -> cluster.candidateContainers(p, Optional.of("app")))
                .hasMessage("container app of pod payments-1 is not running (waiting: CrashLoopBackOff)");
        assertThatThrownBy(() -> cluster.candidateContainers(p, Optional.of("web")))
                .hasMessage("pod payments-1 has no container 'web'; its containers: app");
        assertThatThrownBy(() -> cluster.candidateContainers(p, Optional.empty()))
                .hasMessage("no container of pod payments-1 is running (app: waiting: CrashLoopBackOff)");
    }

    @Test
    void aContainerWithoutAShellIsSaidSo() throws Exception {
        api.addPod("prod", "distroless-1", null, 0, "app");
        api.behave("app", FakeApiServer.Behaviour.NO_SHELL);
        assertThatThrownBy(() -> cluster.locate(cluster.resolve("prod", "distroless-1"), Optional.empty(), Optional.empty(), SCENARIO))
                .isInstanceOf(CollectionException.class)
                .hasMessageStartingWith("pod/distroless-1 -n prod -c app has no shell (sh): Sage reads /proc with a short"
                        + " fixed script and cannot look at the JVM without one")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.COMMAND_NOT_FOUND);
    }

    @Test
    void aForbiddenExecIsAnsweredWithTheMissingGrantAndARoleThatGivesIt() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        api.failExec(403);
        assertThatThrownBy(() -> t.exec(List.of("true"), new byte[0], Duration.ofSeconds(10), 1000))
                .isInstanceOf(CollectionException.class)
                .hasMessageStartingWith("Sage is not allowed to get and create pods/exec in namespace prod (403 Forbidden).")
                .hasMessageContaining("kind: Role\n")
                .hasMessageContaining("  namespace: prod\n")
                .hasMessageEndingWith("    resources: [\"pods/exec\"]\n    verbs: [\"get\", \"create\"]")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.PERMISSION);
        api.failApi(403);
        assertThatThrownBy(() -> cluster.resolve("prod", "web-1"))
                .hasMessageStartingWith("Sage is not allowed to get pods in namespace prod (403 Forbidden).");
    }

    @Test
    void aPodDeletedMidCollectionIsReportedAsGone() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        api.remove("prod", "web-1");
        assertThatThrownBy(() -> t.exec(List.of("true"), new byte[0], Duration.ofSeconds(10), 1000))
                .hasMessage("pod web-1 in namespace prod no longer exists (deleted or replaced while Sage was collecting)")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.TARGET_GONE);
    }

    @Test
    void aContainerDyingMidCommandIsReportedAsGone() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        api.behave("app", FakeApiServer.Behaviour.DIES);
        assertThatThrownBy(() -> t.exec(List.of("jcmd", "1", "Thread.print"), new byte[0], Duration.ofSeconds(10), 1000))
                .hasMessage("the exec stream of jcmd in pod/web-1 -n prod -c app closed without an exit status: the"
                        + " container stopped or restarted, or the pod went away");
    }

    @Test
    void anApiServerErrorIsRetriedOnceThenExplained() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        api.failApi(503);
        assertThat(cluster.resolve("prod", "web-1").name()).isEqualTo("web-1");
        assertThat(api.requests()).hasSize(2);

        api.failApi(503, 503);
        long start = System.nanoTime();
        assertThatThrownBy(() -> cluster.resolve("prod", "web-1"))
                .hasMessage("the API server answered 503 when Sage tried to get pods in namespace prod, again after a"
                        + " retry: it is failing or overloaded; try again in a minute")
                .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        KubeExecTransport t = cluster.transport(cluster.resolve("prod", "web-1"), "app");
        api.failExec(500);
        assertThat(t.exec(List.of("echo", "ok"), new byte[0], Duration.ofSeconds(10), 1000).stdoutText()).isEqualTo("ok\n");
        api.failExec(500, 500);
        assertThatThrownBy(() -> t.exec(List.of("echo", "ok"), new byte[0], Duration.ofSeconds(10), 1000))
                .hasMessage("the API server answered 500 to an exec in pod web-1 in namespace prod again after a retry:"
                        + " it is failing or overloaded; try again in a minute");
    }

    @Test
    void anApiServerThatDoesNotAnswerIsGivenUpOnAtTheDeadline() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        api.latency(Duration.ofSeconds(4));
        try (KubeCluster slow = KubeCluster.connect(Optional.empty(), Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> slow.resolve("prod", "web-1"))
                    .hasMessage("the API server did not answer in time")
                    .extracting(e -> ((CollectionException) e).kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void theHealthiestReadySiblingIsPickedForComparison() throws Exception {
        api.addPod("prod", "payments-7d9f8-aaaaa", "payments-7d9f8", 0, "app");
        api.addPod("prod", "payments-7d9f8-bbbbb", "payments-7d9f8", 5, "app");
        api.addPod("prod", "payments-7d9f8-ccccc", "payments-7d9f8", 1, "app");
        Pod notReady = api.addPod("prod", "payments-7d9f8-00000", "payments-7d9f8", 0, "app");
        api.put(new PodBuilder(notReady).editStatus().editFirstCondition().withStatus("False").endCondition().endStatus().build());
        api.addPod("prod", "orders-1", "orders", 0, "app");

        KubeCluster.Resolved sibling = cluster.healthySibling(cluster.resolve("prod", "payments-7d9f8-bbbbb"));
        assertThat(sibling.name()).isEqualTo("payments-7d9f8-aaaaa");
        assertThat(sibling.note()).isEqualTo("compared with payments-7d9f8-aaaaa, the Ready pod of ReplicaSet payments-7d9f8"
                + " with the fewest restarts (0)");
        assertThatThrownBy(() -> cluster.healthySibling(cluster.resolve("prod", "orders-1")))
                .hasMessage("ReplicaSet orders has no other pod to compare orders-1 with");
    }

    @Test
    void theContextIsChosenLikeKubectl() throws Exception {
        try (KubeCluster other = KubeCluster.connect(Optional.of("other"), Duration.ofSeconds(5))) {
            assertThat(other.defaultNamespace()).isEqualTo("staging");
        }
        assertThat(cluster.defaultNamespace()).isEqualTo("prod");
        assertThatThrownBy(() -> KubeCluster.connect(Optional.of("nope"), Duration.ofSeconds(5)))
                .hasMessage("the kubeconfig has no context named 'nope'; it has: fake, other");
        assertThat(Files.exists(dir.resolve("kubeconfig"))).isTrue();
    }
}
