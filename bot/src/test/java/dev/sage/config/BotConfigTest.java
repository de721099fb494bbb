package dev.sage.config;

import dev.sage.service.Target;
import dev.sage.service.SafeAction;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bot's configuration file: the example in the repository, strict keys, secrets from the environment, scope. */
class BotConfigTest {
    private static final Map<String, String> ENV = Map.of("SLACK_BOT_TOKEN", "xoxb-1", "SLACK_APP_TOKEN", "xapp-1",
            "SLACK_SIGNING_SECRET", "s3cret");

    @Test
    void theCommentedExampleInTheRepositoryLoads() {
        BotConfig c = BotConfig.load(Path.of("../deploy/config/sage.yaml"), ENV::get);
        assertThat(c.slack().botToken()).isEqualTo("xoxb-1");
        assertThat(c.slack().apiUrl()).isEqualTo("https://slack.com/api/");
        assertThat(c.kubernetes().contexts()).isNotEmpty();
        assertThat(c.collection().rounds()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUnknownKeyIsRefusedWithTheFileTheLineAndTheKey() {
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", """
                kubernetes:
                  default_namespace: prod
                collection:
                  rounds: 2
                  intervall: 10s
                """, ENV::get))
                .hasMessage("sage.yaml:5: collection.intervall: unknown key (known here: allow_sigquit, copy_jattach,"
                        + " debug_image, histogram, interval, rounds, timeout)");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "collection:\n  rounds: 50\n", ENV::get))
                .hasMessage("sage.yaml:2: collection.rounds: must be a number from 1 to 10, not '50'");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "kubernetes:\n  contexts:\n    - namespaces: [\"Prod!\"]\n", ENV::get))
                .hasMessageStartingWith("sage.yaml:3: kubernetes.contexts[].namespaces: 'Prod!' is not a namespace");
    }

    @Test
    void actionsAreOfferedAsConfiguredAndAHeapDumpNeedsADirectory() {
        assertThat(BotConfig.parse("sage.yaml", "", ENV::get).actions().offered()).as("the default")
                .containsExactly(SafeAction.TRIM_NATIVE_HEAP, SafeAction.GC_RUN, SafeAction.THREAD_DUMP);
        BotConfig c = BotConfig.parse("sage.yaml", "actions:\n  offer: [thread_dump]\n  heap_dump_dir: /var/tmp/dumps\n", ENV::get);
        assertThat(c.actions().offered()).containsExactly(SafeAction.THREAD_DUMP, SafeAction.HEAP_DUMP);
        assertThat(c.actions().heapDumpDir()).contains("/var/tmp/dumps");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "actions:\n  offer: [heap_dump]\n", ENV::get))
                .hasMessageContaining("heap_dump needs actions.heap_dump_dir");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "actions:\n  heap_dump_dir: \"/tmp/$(reboot)\"\n", ENV::get))
                .hasMessageContaining("actions.heap_dump_dir: must be an absolute directory");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "actions:\n  offer: [reboot]\n", ENV::get))
                .hasMessageContaining("'reboot' is not an action");
    }

    @Test
    void digestsAreReadWithTheirScheduleAndFleetAndAMistakeIsNamed() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                digests:
                  - name: daily
                    cron: "0 0 9 ? * MON-FRI"
                    time_zone: Europe/Paris
                    channel: C0123
                    targets:
                      host_groups: [payments]
                      kubernetes:
                        - context: prod
                          namespaces: [orders, billing]
                          selector: "app in (orders,billing),!canary"
                    concurrency: 16
                    per_target: 45s
                """, ENV::get);
        var d = c.digest("daily").orElseThrow();
        assertThat(d.zone()).hasToString("Europe/Paris");
        assertThat(d.concurrency()).isEqualTo(16);
        assertThat(d.perTarget()).hasSeconds(45);
        assertThat(d.deadline()).as("the default").hasMinutes(10);
        assertThat(d.targets().kubernetes()).singleElement().satisfies(p -> {
            assertThat(p.context()).contains("prod");
            assertThat(p.namespaces()).containsExactly("orders", "billing");
        });
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "digests:\n  - name: d\n    cron: \"0 9 * * MON\"\n"
                + "    channel: C1X\n    targets: {local: true}\n", ENV::get))
                .hasMessageContaining("digests[].cron: '0 9 * * MON' is not a Quartz cron expression")
                .hasMessageContaining("seconds first");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "digests:\n  - name: d\n    cron: \"0 0 9 * * ?\"\n"
                + "    channel: C1X\n    targets: {}\n", ENV::get))
                .hasMessageContaining("digests[].targets: names no target");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "digests:\n  - name: d\n    cron: \"0 0 9 * * ?\"\n"
                + "    channel: C1X\n    targets:\n      kubernetes:\n        - namespaces: [prod]\n"
                + "          selector: \"app=$(reboot)\"\n", ENV::get))
                .hasMessageContaining("is not a label selector");
    }

    @Test
    void theHistoryIsAnH2FileBesideTheAuditUnlessTheConfigurationSaysOtherwise() {
        BotConfig c = BotConfig.parse("sage.yaml", "audit:\n  file: /var/lib/sage/audit.jsonl\n", ENV::get);
        assertThat(c.history().url()).isEqualTo("jdbc:h2:file:/var/lib/sage/sage-history;AUTO_SERVER=TRUE");
        assertThat(c.history().retention()).hasDays(90);
        BotConfig file = BotConfig.parse("sage.yaml", "history:\n  url: jdbc:h2:file:/data/h\n  retention: 400d\n", ENV::get);
        assertThat(file.history().retention()).hasDays(400);
        assertThat(file.history().shared()).isFalse();
        assertThat(BotConfig.parse("sage.yaml", "history:\n  url: jdbc:postgresql://db:5432/sage\n  user: sage\n", ENV::get)
                .history().shared()).as("replicas share a PostgreSQL database").isTrue();
        assertThat(BotConfig.parse("sage.yaml", "history:\n  url: \"\"\n", ENV::get).history().on()).isFalse();
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "history:\n  url: jdbc:mysql://x/y\n", ENV::get))
                .hasMessageContaining("history.url: must be a jdbc:h2: URL");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "history:\n  retention: 2y\n", ENV::get))
                .hasMessageContaining("is not a number of days");
    }

    @Test
    void limitsPerKindOfTargetPerPersonAndPerChannelAreRead() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                limits:
                  concurrent_diagnoses: 6
                  per_kind: {pod: 4, local: 1}
                  per_user_per_minute: 0
                  deadline: 2m
                  shutdown_grace: 20s
                """, ENV::get);
        assertThat(c.limits().perKind()).containsExactlyInAnyOrderEntriesOf(Map.of("pod", 4, "local", 1));
        assertThat(c.limits().perKindInForce()).as("profiles: half the slots unless configured")
                .containsEntry("profile", 3).containsEntry("pod", 4);
        assertThat(BotConfig.parse("sage.yaml", "limits:\n  per_kind: {profile: 1}\n", ENV::get).limits().perKindInForce())
                .containsEntry("profile", 1);
        assertThat(BotConfig.parse("sage.yaml", "limits:\n  concurrent_diagnoses: 1\n", ENV::get).limits().perKindInForce())
                .containsEntry("profile", 1);
        assertThat(c.limits().perUser()).as("0 turns the limit off").isZero();
        assertThat(c.limits().perChannel()).as("the default").isEqualTo(30);
        assertThat(c.limits().deadline()).hasMinutes(2);
        assertThat(c.limits().shutdownGrace()).hasSeconds(20);
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "limits:\n  per_kind:\n    pods: 2\n", ENV::get))
                .hasMessage("sage.yaml:3: limits.per_kind.pods: unknown key (known here: files, local, pod, profile, ssh)");
    }

    @Test
    void accessRulesAreReadAndAMistakeInThemIsNamed() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                access:
                  admins: [U0ADMIN, S0LEADS]
                  rules:
                    - channels: [C0PAY, dm]
                      groups: [S0ONCALL]
                      may: [diagnose, compare]
                      kubernetes:
                        - namespaces: ["payments-*"]
                audit:
                  file: /var/lib/sage/audit.jsonl
                """, ENV::get);
        assertThat(c.access().admins()).containsExactly("U0ADMIN", "S0LEADS");
        assertThat(c.access().rules()).singleElement().satisfies(r -> {
            assertThat(r.may()).containsExactlyInAnyOrder(dev.sage.access.Access.Action.DIAGNOSE, dev.sage.access.Access.Action.COMPARE);
            assertThat(r.kubernetes()).containsEntry("", List.of("payments-*"));
        });
        assertThat(c.auditFile()).isEqualTo(Path.of("/var/lib/sage/audit.jsonl"));
        assertThat(BotConfig.parse("sage.yaml", "", ENV::get).access().rules()).as("default deny").isEmpty();

        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "access:\n  rules:\n    - users: [\"*\"]\n      may: [delete]\n", ENV::get))
                .hasMessage("sage.yaml:4: access.rules[].may: 'delete' is not an action (diagnose, compare, watch, analyze,"
                        + " profile, act, digest)");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "access:\n  rules:\n    - may: [diagnose]\n", ENV::get))
                .hasMessageContaining("access.rules[]: names nobody");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "access:\n  admins: [bob]\n", ENV::get))
                .hasMessage("sage.yaml:2: access.admins: 'bob' is not a Slack user id (U…) or user group id (S…)");
        assertThat(BotConfig.parse("sage.yaml", "access:\n  admins_channel: C0ADMINS\n", ENV::get).access().adminsChannel())
                .isEqualTo("C0ADMINS");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "access:\n  admins_channel: '#sre'\n", ENV::get))
                .hasMessage("sage.yaml:2: access.admins_channel: '#sre' is not a channel id (C… or G…, from the channel's details)");
    }

    @Test
    void alertRoutesAreReadAndATokenIsNeededForThem() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                alerts:
                  token: t0k3n
                  repeat_after: 1h
                  routes:
                    - receiver: payments-oncall
                      channel: C0PAY
                    - labels: [team=search, severity=critical]
                      channel: C0SEARCH
                """, ENV::get);
        assertThat(c.alerts().on()).isTrue();
        assertThat(c.alerts().repeatAfter()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(c.alerts().routes()).hasSize(2).last().satisfies(r ->
                assertThat(r.labels()).containsEntry("team", "search").containsEntry("severity", "critical"));
        assertThat(BotConfig.parse("sage.yaml", "", ENV::get).alerts().on()).as("off without a token").isFalse();
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "alerts:\n  routes:\n    - receiver: x\n      channel: C1\n", ENV::get))
                .hasMessageContaining("alerts.token: routes are listed but no token");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "alerts:\n  token: t\n  routes:\n    - channel: C1\n", ENV::get))
                .hasMessageContaining("takes every alert: name a receiver or labels");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "alerts:\n  token: t\n  routes:\n    - receiver: x\n      channel: \"#pay\"\n", ENV::get))
                .hasMessageContaining("must be a channel id");
    }

    @Test
    void secretsComeFromTheEnvironmentAndAMissingOneIsNamed() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                slack:
                  bot_token: ${SLACK_BOT_TOKEN}
                  api_url: ${SAGE_SLACK_API_URL:-http://proxy.internal/api}
                """, ENV::get);
        assertThat(c.slack().botToken()).isEqualTo("xoxb-1");
        assertThat(c.slack().apiUrl()).isEqualTo("http://proxy.internal/api/");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "slack:\n  app_token: ${NOT_SET}\n", ENV::get))
                .hasMessage("sage.yaml:2: slack.app_token: ${NOT_SET} is not set in the environment");
    }

    @Test
    void theBotTouchesOnlyWhatTheConfigurationLists() {
        BotConfig c = BotConfig.parse("sage.yaml", """
                kubernetes:
                  contexts:
                    - namespaces: [prod, "payments-*"]
                    - context: eu
                      namespaces: [shop]
                host_groups:
                  allowed: ["pay*"]
                """, ENV::get);
        ConfigScope scope = new ConfigScope(c, "sage.yaml");
        Target pod = new Target.Pod("p");
        assertThat(scope.refusal(pod, "", "prod")).isNull();
        assertThat(scope.refusal(pod, "", "payments-eu")).isNull();
        assertThat(scope.refusal(pod, "", "kube-system")).contains("namespace kube-system").contains("prod, payments-*");
        assertThat(scope.refusal(pod, "eu", "shop")).isNull();
        assertThat(scope.refusal(pod, "eu", "prod")).isNotNull();
        assertThat(scope.refusal(pod, "us", "prod")).contains("context us is not one");
        assertThat(scope.refusal(new Target.HostGroup("payments"), "", "")).isNull();
        assertThat(scope.refusal(new Target.HostGroup("orders"), "", "")).contains("host_groups.allowed");
        assertThat(scope.refusal(new Target.Local(Optional.empty()), "", "")).contains("local: true");
        assertThat(scope.refusal(new Target.Ssh(Optional.empty(), "h", java.util.OptionalInt.empty()), "", "")).isNotNull();
        BotConfig nothing = BotConfig.parse("sage.yaml", "", ENV::get);
        assertThat(new ConfigScope(nothing, "sage.yaml").refusal(pod, "", "prod")).contains("may not reach any pod");
        assertThat(nothing.collection().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(nothing.playbooks()).isEqualTo(List.of());
        BotConfig scoped = BotConfig.parse("sage.yaml", "playbooks:\n  - /etc/sage/common\n  - dir: /etc/sage/payments\n"
                + "    kubernetes:\n      - namespaces: [\"payments-*\"]\n", ENV::get);
        assertThat(scoped.playbookPaths()).containsExactly(Path.of("/etc/sage/common"), Path.of("/etc/sage/payments"));
        assertThat(scoped.playbooks().get(0).appliesTo(new dev.sage.access.Access.Place.Pod("", "search"))).isTrue();
        assertThat(scoped.playbooks().get(1).appliesTo(new dev.sage.access.Access.Place.Pod("", "payments-eu"))).isTrue();
        assertThat(scoped.playbooks().get(1).appliesTo(new dev.sage.access.Access.Place.Pod("", "search"))).isFalse();
        assertThat(scoped.playbooks().get(1).appliesTo(new dev.sage.access.Access.Place.Local())).isFalse();
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "playbooks:\n  - dir: /etc/sage/x\n", ENV::get))
                .hasMessageContaining("playbooks[]: names no target");
        assertThatThrownBy(() -> BotConfig.parse("sage.yaml", "playbooks:\n  - dir: /etc/sage/x\n    kubernetes:\n"
                + "      - namespaces: [a]\n      - namespaces: [b]\n", ENV::get))
                .hasMessageContaining("the default context is listed twice for this directory");
    }
}
