package dev.sage.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifests in deploy/kubernetes parse, and grant Sage the least privilege it needs. */
class KubernetesManifestsTest {
    static final Path DIR = Path.of("..", "deploy", "kubernetes");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String file) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(DIR.resolve(file)))) {
            out.add((Map<String, Object>) o);
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRoleGrantsOnlyWhatDiagnosingNeeds() throws Exception {
        List<Map<String, Object>> docs = documents("sage.yaml");
        assertThat(docs).extracting(d -> d.get("kind")).containsExactly("ServiceAccount", "ClusterRole", "RoleBinding", "Deployment", "Service");
        Map<String, Object> role = docs.get(1);
        List<String> grants = new ArrayList<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
            for (String resource : (List<String>) rule.get("resources")) {
                for (String verb : (List<String>) rule.get("verbs")) {
                    grants.add(resource + ":" + verb);
                }
            }
        }
        assertThat(grants).containsExactlyInAnyOrder("pods:get", "pods:list", "pods/exec:get", "pods/exec:create", "pods/log:get",
                "replicasets:get", "statefulsets:get", "daemonsets:get");
        assertThat(grants).noneMatch(g -> g.contains("*") || g.startsWith("secrets"));
        assertThat(documents("debug-containers.yaml").get(0).toString()).contains("pods/ephemeralcontainers").contains("patch");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeploymentRunsTheBotAsTheServiceAccountWithoutRoot() throws Exception {
        Map<String, Object> deployment = documents("sage.yaml").get(3);
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment.get("spec"))
                .get("template")).get("spec");
        assertThat(pod.get("serviceAccountName")).isEqualTo("sage");
        assertThat((Map<String, Object>) pod.get("securityContext")).containsEntry("runAsNonRoot", true);
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertThat(container.get("args")).isEqualTo(List.of("bot", "--config", "/etc/sage/sage.yaml"));
        assertThat((Map<String, Object>) container.get("securityContext")).containsEntry("allowPrivilegeEscalation", false);
        assertThat(container.toString()).doesNotContain("xoxb-").contains("secretKeyRef");
        // the probes ask what the bot serves, and a stop leaves the bot its grace (limits.shutdown_grace) and time to say so
        assertThat(((Map<String, Object>) container.get("readinessProbe")).toString()).contains("path=/healthz,");
        assertThat(((Map<String, Object>) container.get("livenessProbe")).toString()).contains("path=/healthz/live");
        assertThat((Integer) pod.get("terminationGracePeriodSeconds")).isGreaterThanOrEqualTo(
                (int) dev.sage.config.BotConfig.empty(k -> null).limits().shutdownGrace().toSeconds() + 15);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSlackManifestAsksForTheScopesAndEventsTheBotUses() throws Exception {
        Map<String, Object> manifest = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(DIR.resolveSibling("slack").resolve("manifest.yaml")));
        Map<String, Object> settings = (Map<String, Object>) manifest.get("settings");
        assertThat((Map<String, Object>) settings.get("event_subscriptions"))
                .containsEntry("bot_events", List.of("app_mention", "message.im"));
        assertThat(settings).containsEntry("socket_mode_enabled", true);
        List<String> scopes = (List<String>) ((Map<String, Object>) ((Map<String, Object>) manifest.get("oauth_config"))
                .get("scopes")).get("bot");
        assertThat(scopes).containsExactlyInAnyOrder("app_mentions:read", "chat:write", "files:write", "files:read",
                "im:history", "channels:history", "groups:history", "commands", "usergroups:read");
        assertThat(manifest.toString()).contains("/sage");
    }
}
