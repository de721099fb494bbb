package dev.sage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.kube.FakeApiServer;
import dev.sage.scenarios.ScenarioJvm;
import dev.sage.transport.OpenSshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code sage diagnose} on pods and SSH hosts, run as a user runs it: the real Kubernetes client against an API server
 * that streams real command output over the exec WebSocket, and a real OpenSSH server on loopback.
 */
class RemoteDiagnoseTest {
    private static final String SCENARIO = "dev.sage.scenarios.Scenario";
    @TempDir
    Path dir;
    private FakeApiServer api;
    private Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        env = Map.of("KUBECONFIG", api.kubeconfig(dir).toString());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aDeadlockInAPodIsDiagnosedFromItsName() throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            SageProcess.Run r = SageProcess.run(env, null, "diagnose", "--rounds", "1", "pod/payments-7d9f8-x2kq", "-n", "prod",
                    "--main-class", SCENARIO);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Sage analysis of pod/payments-7d9f8-x2kq -n prod -c app pid " + jvm.pid()
                    + " (" + SCENARIO + ")\n");
            assertThat(r.out()).contains("deadlock-A").contains("deadlock-B").containsIgnoringCase("deadlock");
            assertThat(api.execs()).hasSize(2);
        }
    }

    @Test
    void aPrefixInTheContextsNamespaceIsComparedWithAHealthySibling() throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 3, "app");
        api.addPod("prod", "pay-7d9f8-other", "pay-7d9f8", 0, "app");
        api.addPod("prod", "payments-7d9f8-zzzzz-healthy", "payments-7d9f8", 0, "app");
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            SageProcess.Run r = SageProcess.run(env, null, "diagnose", "--rounds", "1", "pod/payments-7d9f8-x", "--compare", "auto",
                    "--main-class", SCENARIO, "--no-histogram", "--format", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.get("notes")).extracting(JsonNode::asText).containsExactly(
                    "'payments-7d9f8-x' is pod payments-7d9f8-x2kq, the only pod in prod whose name starts with it",
                    "compared with payments-7d9f8-zzzzz-healthy, the Ready pod of ReplicaSet payments-7d9f8 with the"
                            + " fewest restarts (0)");
            assertThat(json.has("comparison")).isTrue();
            assertThat(api.execs()).as("two per pod").hasSize(4);
        }
    }

    @Test
    void aSlimImageWithoutJcmdIsDiagnosedWithACopiedJattach() throws Exception {
        Path jattach = Path.of("/usr/bin/jattach");
        assumeTrue(Files.isExecutable(jattach), "needs jattach");
        api.addPod("prod", "slim-1", null, 0, "app");
        api.environment("app", Map.of("PATH", ScenarioJvm.toolsOnly(dir).toString()));
        try (ScenarioJvm jvm = ScenarioJvm.start(ScenarioJvm.minimalJre(), "deadlock-monitors", java.util.List.of())) {
            SageProcess.Run without = SageProcess.run(env, null, "diagnose", "--rounds", "1", "slim-1", "-n", "prod", "--pid",
                    Long.toString(jvm.pid()));
            assertThat(without.exit()).isEqualTo(3);
            assertThat(without.err()).contains("--copy-jattach FILE copies a jattach binary");

            SageProcess.Run r = SageProcess.run(env, null, "diagnose", "--rounds", "1", "slim-1", "-n", "prod", "--pid",
                    Long.toString(jvm.pid()), "--copy-jattach", jattach.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("deadlock-A").contains("so Sage copied jattach (");
        }
    }

    @Test
    void aMistypedPodGetsTheClosestNamesAndExitsThree() throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        SageProcess.Run r = SageProcess.run(env, null, "diagnose", "pod/paymnts-7d9f8-x2kq", "-n", "prod");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("sage diagnose: no pod 'paymnts-7d9f8-x2kq' in namespace prod; did you mean"
                + " payments-7d9f8-x2kq (Running, Ready)?\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aHostilePodNameIsRefusedBeforeAnyCall() throws Exception {
        SageProcess.Run r = SageProcess.run(env, null, "diagnose", "pod/x;touch /tmp/pwned", "-n", "prod");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("sage diagnose: 'x;touch /tmp/pwned' is not a pod name");
        SageProcess.Run ns = SageProcess.run(env, null, "diagnose", "web-1", "-n", "$(reboot)");
        assertThat(ns.exit()).isEqualTo(2);
        assertThat(ns.err()).startsWith("sage diagnose: '$(reboot)' is not a namespace");
        SageProcess.Run image = SageProcess.run(env, null, "diagnose", "web-1", "-n", "prod", "--debug-image", "x\"}]}");
        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).startsWith("sage diagnose: 'x\"}]}' is not an image reference");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aForbiddenExecRepliesWithTheRoleToGrant() throws Exception {
        api.addPod("prod", "web-1", null, 0, "app");
        api.failExec(403);
        SageProcess.Run r = SageProcess.run(env, null, "diagnose", "web-1", "-n", "prod");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("sage diagnose: Sage is not allowed to get and create pods/exec in namespace prod (403 Forbidden).")
                .contains("resources: [\"pods/exec\"]");
    }

    @Test
    void aJvmOnAnSshHostNamedInSshConfigIsDiagnosed() throws Exception {
        assumeTrue(OpenSshServer.available(), "needs root and /usr/sbin/sshd (openssh-server)");
        try (OpenSshServer sshd = OpenSshServer.start(); ScenarioJvm jvm = ScenarioJvm.start("deadlock-locks")) {
            Path config = dir.resolve("ssh_config");
            Files.writeString(config, "Host app-box\n  HostName 127.0.0.1\n  Port " + sshd.port + "\n  User root\n"
                    + "  IdentityFile " + sshd.userKey + "\n");
            SageProcess.Run r = SageProcess.run(env, null, "diagnose", "--rounds", "1", "ssh://app-box", "--ssh-config", config.toString(),
                    "--known-hosts", sshd.knownHosts.toString(), "--pid", Long.toString(jvm.pid()), "--no-histogram");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("Sage analysis of ssh://root@app-box:" + sshd.port + " pid " + jvm.pid());
            assertThat(r.out()).contains("lock-deadlock-A");
        }
    }

    @Test
    void everyHostOfAConfiguredGroupIsDiagnosedAndAnUnreachableOneIsNamed() throws Exception {
        assumeTrue(OpenSshServer.available(), "needs root and /usr/sbin/sshd (openssh-server)");
        try (OpenSshServer a = OpenSshServer.start(); OpenSshServer b = OpenSshServer.start();
             ScenarioJvm jvm = ScenarioJvm.start("deadlock-locks")) {
            Path hosts = dir.resolve("hosts.yaml");
            Files.writeString(hosts, "groups:\n  web:\n    user: root\n    main_class: " + SCENARIO + "\n"
                    + "    hosts: [\"127.0.0.1:" + a.port + "\", \"127.0.0.1:" + b.port + "\", \"127.0.0.1:1\"]\n");
            Path known = dir.resolve("known_hosts");
            Files.writeString(known, Files.readString(a.knownHosts) + Files.readString(b.knownHosts));
            Map<String, String> withHosts = Map.of("KUBECONFIG", env.get("KUBECONFIG"), "SAGE_HOSTS", hosts.toString());

            SageProcess.Run r = SageProcess.run(withHosts, null, "diagnose", "--rounds", "1", "hosts/web", "--known-hosts", known.toString(),
                    "-i", a.userKey.toString(), "-i", b.userKey.toString(), "--no-histogram", "--format", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode reports = new ObjectMapper().readTree(r.out());
            assertThat(reports).hasSize(2);
            assertThat(reports.get(0).get("target").asText()).isEqualTo("ssh://root@127.0.0.1:" + a.port + " pid "
                    + jvm.pid() + " (" + SCENARIO + ")");
            assertThat(reports.get(1).get("target").asText()).startsWith("ssh://root@127.0.0.1:" + b.port + " pid " + jvm.pid());
            assertThat(reports.get(1).at("/findings/0/id").asText()).isEqualTo("deadlock");
            assertThat(r.err()).contains("sage diagnose: 127.0.0.1: cannot reach ssh://root@127.0.0.1:1");

            SageProcess.Run unknown = SageProcess.run(withHosts, null, "diagnose", "hosts/db");
            assertThat(unknown.exit()).isEqualTo(2);
            assertThat(unknown.err()).isEqualTo("sage diagnose: no host group 'db' in " + hosts + "; it has: web\n");
        }
    }

    @Test
    void aChangedHostKeyAndARefusedKeyAreSaidPlainly() throws Exception {
        assumeTrue(OpenSshServer.available(), "needs root and /usr/sbin/sshd (openssh-server)");
        try (OpenSshServer sshd = OpenSshServer.start()) {
            Path other = dir.resolve("other");
            new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", other.toString()).start().waitFor();
            String otherKey = Files.readString(dir.resolve("other.pub")).strip().split(" ")[1];
            Path changed = dir.resolve("known_hosts");
            Files.writeString(changed, "[127.0.0.1]:" + sshd.port + " ecdsa-sha2-nistp256 " + otherKey + "\n");
            String target = "ssh://root@127.0.0.1:" + sshd.port;

            SageProcess.Run r = SageProcess.run(env, null, "diagnose", target, "--known-hosts", changed.toString(),
                    "-i", sshd.userKey.toString());
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.err()).contains("is not the one in " + changed).contains("the host key CHANGED")
                    .contains("SHA256:");

            SageProcess.Run refused = SageProcess.run(env, null, "diagnose", target, "--known-hosts",
                    sshd.knownHosts.toString(), "-i", other.toString());
            assertThat(refused.exit()).isEqualTo(3);
            assertThat(refused.err()).isEqualTo("sage diagnose: " + target + " refused Sage's key for user root: add the"
                    + " public key to that user's authorized_keys\n");
        }
    }
}
