package dev.sage.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The pods of a fleet, by label selector, each with the workload that owns it, through the real fabric8 client. */
class FleetMembersTest {
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

    private void labelled(Pod pod, Map<String, String> labels) {
        api.put(new PodBuilder(pod).editMetadata().addToLabels(labels).endMetadata().build());
    }

    @Test
    void runningPodsOfASelectorAreListedWithTheDeploymentOrControllerThatOwnsThem() throws Exception {
        labelled(api.addPod("prod", "orders-7d9f8c6b5-x2kq", "orders-7d9f8c6b5", 0, "app"),
                Map.of("app", "orders", "pod-template-hash", "7d9f8c6b5"));
        labelled(api.addPod("prod", "orders-7d9f8c6b5-abcd", "orders-7d9f8c6b5", 0, "app"),
                Map.of("app", "orders", "pod-template-hash", "7d9f8c6b5"));
        Pod db = api.addPod("prod", "orders-db-0", null, 0, "db");
        labelled(new PodBuilder(db).editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet")
                .withName("orders-db").withUid("uid-db").withController(true).endOwnerReference().endMetadata().build(),
                Map.of("app", "orders"));
        labelled(api.addPod("prod", "debug-shell", null, 0, "sh"), Map.of("app", "orders"));
        labelled(new PodBuilder(api.addPod("prod", "orders-7d9f8c6b5-new", "orders-7d9f8c6b5", 0, "app"))
                .editStatus().withPhase("Pending").endStatus().build(), Map.of("app", "orders", "pod-template-hash", "7d9f8c6b5"));
        labelled(api.addPod("prod", "billing-5c4b-aaaa", "billing-5c4b", 0, "app"), Map.of("app", "billing"));

        assertThat(cluster.members("prod", "app=orders")).containsExactly(
                new KubeCluster.Member("prod", "debug-shell", "debug-shell"),
                new KubeCluster.Member("prod", "orders-7d9f8c6b5-abcd", "orders"),
                new KubeCluster.Member("prod", "orders-7d9f8c6b5-x2kq", "orders"),
                new KubeCluster.Member("prod", "orders-db-0", "StatefulSet/orders-db"));
        assertThat(cluster.members("prod", "")).as("no selector: every Running pod").hasSize(5);
        assertThat(cluster.members("staging", "app=orders")).as("an empty namespace has no members").isEmpty();
    }
}
