package dev.sage.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.config.BotConfig;
import dev.sage.kube.FakeApiServer;
import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bot as Slack drives it over HTTP: properly signed {@code app_mention}, {@code block_actions} and slash-command
 * requests over real HTTP to Bolt, replies to a local Slack Web API, and diagnoses of real JVMs (on this machine, and
 * in a pod behind the Kubernetes API fake).
 */
class SlackBotTest {
    static final String SECRET = "test-signing-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger EVENTS = new AtomicInteger();

    @TempDir
    Path dir;
    private FakeSlack slack;
    private SageBot bot;
    private SlackHttp http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        slack = new FakeSlack();
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (bot != null) {
            bot.close();
        }
        slack.close();
        System.clearProperty("kubeconfig");
    }

    /** Everyone may do anything anywhere the configuration reaches: the access rules are tested on their own below. */
    private static final String EVERYONE = """
            access:
              rules:
                - users: ["*"]
                  may: [diagnose, compare, watch, analyze]
                  local: true
                  host_groups: ["*"]
                  kubernetes:
                    - namespaces: ["*"]
                    - context: fake
                      namespaces: ["*"]
                    - context: other-cluster
                      namespaces: ["*"]
            """;

    private Path audit() {
        return dir.resolve("audit.jsonl");
    }

    /** Serves {@code yaml}, with {@link #EVERYONE}'s rules unless it has its own, and the audit in the test's folder. */
    private void serve(String yaml) throws Exception {
        Map<String, String> env = Map.of("SLACK_BOT_TOKEN", FakeSlack.BOT_TOKEN, "SLACK_SIGNING_SECRET", SECRET,
                "SAGE_SLACK_API_URL", slack.apiUrl());
        String full = (yaml.contains("access:") ? yaml : yaml + EVERYONE)
                + (yaml.contains("audit:") ? "" : "audit:\n  file: " + audit() + "\n");
        BotConfig config = BotConfig.parse("sage.yaml", full, env::get);
        service = SlackApp.service(config, "sage.yaml");
        bot = SlackApp.bot(config, service);
        http = SlackApp.http(bot, new InetSocketAddress("127.0.0.1", 0));
    }

    /** The service of the bot {@link #serve} started. */
    private dev.sage.service.DiagnosisService service;

    private static final String LOCAL = """
            local: true
            collection:
              rounds: 2
              interval: 1s
              timeout: 30s
            """;

    @Test
    void aMentionNamingADeadlockedJvmIsAnsweredInTheThreadWithTheFindingTheChartAndTheCaptures() throws Exception {
        serve(LOCAL);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-hostile-names")) {
            long t0 = System.nanoTime();
            HttpResponse<String> ack = post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.000100"));
            assertThat(ack.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("Slack wants the ack within 3 s")
                    .isLessThan(Duration.ofSeconds(3));

            FakeSlack.Call first = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.000100"),
                    Duration.ofSeconds(5));
            assertThat(first.get("channel")).isEqualTo("C1");
            assertThat(first.get("text")).contains("Collecting from").contains("local:" + jvm.pid()).contains("2 rounds");

            FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(slack.calls("chat.update")).as("the first judgement comes before round 2")
                    .anySatisfy(c -> assertThat(c.get("blocks")).contains("round 1 of 2 is in").contains("deadlock"));
            String blocks = done.get("blocks");
            assertThat(blocks).contains("`deadlock`").contains("Re-run").contains("Watch 30 s").contains("Show raw")
                    .as("a JVM on this machine has no sibling").doesNotContain("Compare with a healthy sibling");
            assertThat(blocks).as("a thread name never pings or links").doesNotContain("<!channel>")
                    .doesNotContain("<https://evil").contains("&lt;!channel&gt; deadlock-A");
            BlockKitLimits.check(done.blocks());

            FakeSlack.Call files = slack.await("files.completeUploadExternal", c -> true, Duration.ofSeconds(20));
            assertThat(files.get("thread_ts")).isEqualTo("1700000000.000100");
            Map<String, byte[]> uploaded = new java.util.HashMap<>();
            slack.uploads().forEach(u -> uploaded.put(u.filename(), u.data()));
            assertThat(uploaded).containsKeys("memory.png", "thread-dumps.txt", "class-histograms.txt", "heap-info.txt", "gc-counters.txt");
            assertThat(new String(uploaded.get("gc-counters.txt"), StandardCharsets.UTF_8)).contains("sun.gc.collector.0.invocations=")
                    .doesNotContain("java.property.", "sun.rt.javaCommand");
            assertThat(new String(uploaded.get("memory.png"), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            assertThat(new String(uploaded.get("thread-dumps.txt"), StandardCharsets.UTF_8))
                    .contains("==> round 1: Thread.print <==").contains("==> round 2: Thread.print <==")
                    .contains("Found one Java-level deadlock");
        }
    }

    @Test
    void aButtonClickRunsTheDiagnosisAgainInTheSameThreadAsThePersonWhoClicked() throws Exception {
        serve(LOCAL);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            String value = Again.of((Conversation.Diagnose) Conversation.read("local:" + jvm.pid(), false)).encode();
            HttpResponse<String> ack = post(click("sage_rerun", value, "1700000001.000200", "1700000000.000100"),
                    "application/x-www-form-urlencoded");
            assertThat(ack.statusCode()).isEqualTo(200);
            FakeSlack.Call posted = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.000100")
                    && c.get("text").contains("Collecting from"), Duration.ofSeconds(5));
            slack.await("chat.update", c -> c.ts().equals(posted.ts()) && c.get("blocks").contains("`deadlock`")
                    && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
        }
    }

    @Test
    void showRawAttachesTheFullReportAndAButtonNamingAnotherContextIsRefusedBeforeConnecting() throws Exception {
        serve(LOCAL.replace("rounds: 2", "rounds: 1") + """
                kubernetes:
                  contexts:
                    - namespaces: [prod]
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.001200"));
            FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("sage_raw"), Duration.ofSeconds(60));
            slack.await("files.completeUploadExternal", c -> c.get("thread_ts").equals("1700000000.001200"), Duration.ofSeconds(20));
            post(click("sage_raw", Again.of((Conversation.Diagnose) Conversation.read("local:" + jvm.pid(), false)).encode(),
                    done.ts(), "1700000000.001200"), "application/x-www-form-urlencoded");
            slack.await("files.completeUploadExternal", c -> c.get("initial_comment").contains("full report"), Duration.ofSeconds(20));
            assertThat(slack.uploads()).anySatisfy(u -> {
                assertThat(u.filename()).isEqualTo("sage-report.txt");
                assertThat(new String(u.data(), StandardCharsets.UTF_8)).contains("Sage analysis of pid " + jvm.pid())
                        .contains("Timings:");
            });
        }
        String crafted = "{\"t\":\"payments-1\",\"n\":\"kube-system\",\"x\":\"other-cluster\"}";
        post(click("sage_rerun", crafted, "1700000000.001300", "1700000000.001300"), "application/x-www-form-urlencoded");
        FakeSlack.Call refused = slack.await("chat.update", c -> c.get("blocks").contains("other-cluster"), Duration.ofSeconds(10));
        assertThat(refused.get("blocks")).contains("context other-cluster is not one this Sage may reach");
    }

    @Test
    void requestsBeyondThePoolSayTheirPlaceInTheQueueAndBeyondTheQueueAreToldSageIsBusy() throws Exception {
        serve(LOCAL + """
                limits:
                  concurrent_diagnoses: 1
                  queued: 1
                """);
        try (ScenarioJvm a = ScenarioJvm.start("idle"); ScenarioJvm b = ScenarioJvm.start("idle")) {
            post(mention("<@USAGE> watch local:" + a.pid() + " for 10s", "1700000000.001400"));
            FakeSlack.Call watching = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.001400"),
                    Duration.ofSeconds(5));
            slack.await("chat.update", c -> c.ts().equals(watching.ts()) && c.get("blocks").contains("round 1 of"),
                    Duration.ofSeconds(10));
            post(mention("<@USAGE> diagnose local:" + a.pid(), "1700000000.001500"));
            FakeSlack.Call queued = slack.await("chat.update", c -> c.get("blocks").contains("in the queue"), Duration.ofSeconds(10));
            assertThat(queued.get("blocks")).contains("number 1 in the queue, behind 1 diagnosis under way");
            post(mention("<@USAGE> diagnose local:" + b.pid(), "1700000000.001600"));
            FakeSlack.Call busy = slack.await("chat.update", c -> c.get("blocks").contains("Sage is busy"), Duration.ofSeconds(10));
            assertThat(busy.get("blocks")).contains("1 diagnoses are running and 1 are waiting");
            // the one that waited runs once the watch is done, and is answered in its own thread
            FakeSlack.Call answered = slack.await("chat.update", c -> c.ts().equals(queued.ts())
                    && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(answered.get("blocks")).contains("local:" + a.pid());
        }
    }

    @Test
    void aRequestForATargetAlreadyBeingDiagnosedJoinsItAndOnePersonAskingTooOftenIsToldToWait() throws Exception {
        serve(LOCAL + """
                limits:
                  per_user_per_minute: 2
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.001700"));
            slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.001700"), Duration.ofSeconds(5));
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.001800"));
            FakeSlack.Call joined = slack.await("chat.update", c -> c.get("blocks").contains("was asked for already"),
                    Duration.ofSeconds(10));
            assertThat(joined.get("channel")).isEqualTo("C1");
            // both threads get the answer, from one collection
            for (String thread : List.of("1700000000.001700", "1700000000.001800")) {
                FakeSlack.Call ack = slack.calls("chat.postMessage").stream()
                        .filter(c -> c.get("thread_ts").equals(thread)).findFirst().orElseThrow();
                FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(ack.ts())
                        && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
                assertThat(done.get("blocks")).contains("`deadlock`");
            }
            // each thread's outcome is written once its answer is in; the two are answered in parallel
            awaitAudit(e -> e.get("event").equals("request_done") && e.get("outcome").equals("diagnosed (joined)"));
            List<Map<String, Object>> audit = awaitAudit(e -> e.get("event").equals("request_done")
                    && e.get("outcome").equals("diagnosed"));
            List<Object> ran = audit.stream().filter(e -> e.get("event").equals("command")).map(e -> e.get("thread"))
                    .distinct().toList();
            assertThat(ran).as("one collection, on the record of the request that started it").hasSize(1);
            assertThat(audit).filteredOn(e -> e.get("event").equals("request_done"))
                    .extracting(e -> e.get("outcome") + " " + e.get("thread"))
                    .containsExactlyInAnyOrder("diagnosed " + ran.get(0), "diagnosed (joined) " + ("1700000000.001700"
                            .equals(ran.get(0)) ? "1700000000.001800" : "1700000000.001700"));

            // a third request within the minute is over U1's limit: told when to ask again, only U1 sees it
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.001900"));
            FakeSlack.Call wait = slack.await("chat.postEphemeral", c -> c.get("thread_ts").equals("1700000000.001900"),
                    Duration.ofSeconds(10));
            assertThat(wait.get("user")).isEqualTo("U1");
            assertThat(wait.get("blocks")).contains("You have asked Sage 2 times in the last minute").contains("ask again in");
            assertThat(awaitAudit(e -> e.get("event").equals("refused"))).last()
                    .satisfies(e -> assertThat(e.get("reason").toString()).startsWith("rate limit"));

            // what Prometheus scrapes, and the readiness probe
            String metrics = get("/metrics").body();
            assertThat(metrics).contains("sage_requests_total{action=\"diagnose\",outcome=\"diagnosed\"} 1")
                    .contains("sage_requests_total{action=\"diagnose\",outcome=\"joined\"} 1")
                    .contains("sage_requests_total{action=\"diagnose\",outcome=\"rate_limited\"} 1")
                    .contains("sage_refusals_total{reason=\"rate_limit\"} 1")
                    .contains("sage_diagnosis_seconds_count{kind=\"local\",ok=\"true\"} 1")
                    .contains("sage_judgement_seconds_count 1")
                    .contains("sage_findings_total{id=\"deadlock\",severity=\"critical\"} 1")
                    .contains("sage_queue_depth 0").contains("sage_slack_link_up 1").contains("jvm_memory_used_bytes");
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
            bot.close();
            HttpResponse<String> stopping = get("/healthz");
            assertThat(stopping.statusCode()).as("a stopping bot is not ready").isEqualTo(503);
            assertThat(get("/healthz/live").statusCode()).isEqualTo(200);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDiagnosisPastItsDeadlineIsStoppedAndSaysSo() throws Exception {
        serve(LOCAL + """
                limits:
                  deadline: 2s
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            post(mention("<@USAGE> watch local:" + jvm.pid() + " for 20s", "1700000000.001950"));
            // stopped in a round (the answer is the rounds before it) or between rounds (nothing to judge yet)
            FakeSlack.Call stopped = slack.await(c -> (c.method().equals("chat.update") || c.method().equals("chat.postMessage"))
                    && c.get("blocks").contains("Sage stopped this diagnosis"), Duration.ofSeconds(20));
            assertThat(stopped.get("blocks")).contains("its deadline of 2 s passed").contains("limits.deadline");
            assertThat(awaitAudit(e -> e.get("event").equals("request_done"))).last()
                    .satisfies(e -> assertThat(e.get("outcome").toString()).startsWith("stopped: its deadline"));
        }
    }

    @Test
    void aBotStoppingWithRequestsInFlightFinishesWithinItsGraceAndTellsEveryThreadItDidNotAnswer() throws Exception {
        serve(LOCAL + """
                limits:
                  concurrent_diagnoses: 1
                  shutdown_grace: 1s
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            post(mention("<@USAGE> watch local:" + jvm.pid() + " for 20s", "1700000000.002000"));
            FakeSlack.Call watching = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.002000"),
                    Duration.ofSeconds(5));
            slack.await("chat.update", c -> c.ts().equals(watching.ts()) && c.get("blocks").contains("round 1 of"),
                    Duration.ofSeconds(10));
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.002050"));
            slack.await("chat.update", c -> c.get("blocks").contains("in the queue"), Duration.ofSeconds(10));

            long t0 = System.nanoTime();
            http.close();
            http = null;
            bot.close();
            bot = null;
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the grace and the time to say so")
                    .isLessThan(Duration.ofSeconds(15));

            assertThat(slack.calls().stream().filter(c -> c.method().startsWith("chat.")).toList()).anySatisfy(c -> assertThat(c.get("blocks"))
                    .contains("Sage stopped this diagnosis: Sage is restarting"));
            assertThat(slack.calls("chat.update")).anySatisfy(c -> assertThat(c.get("blocks"))
                    .contains("Sage is restarting before this diagnosis started"));
            List<Map<String, Object>> done = auditEvents().stream()
                    .filter(e -> e.get("event").equals("request_done")).toList();
            assertThat(done).extracting(e -> e.get("outcome").toString())
                    .containsExactlyInAnyOrder("stopped: Sage is restarting", "not run: stopped");
        }
    }

    @Test
    void aRunawayTeamPlaybookAndABinaryFileAreRefusedWhileTheBotKeepsAnswering() throws Exception {
        Path playbooks = java.nio.file.Files.createDirectories(dir.resolve("playbooks"));
        java.nio.file.Files.writeString(playbooks.resolve("runaway.yaml"), """
                id: acme-runaway
                title: copies
                severity: warning
                expr: ["threads.exists(a, threads.exists(b, threads.exists(c, threads.exists(d, threads.exists(e, a.name == b.name + c.name + d.name + e.name)))))"]
                evidence: ["copies"]
                """);
        serve(LOCAL.replace("rounds: 2", "rounds: 1") + "playbooks: [" + playbooks + "]\n");
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.001600"));
            byte[] random = new byte[1 << 20];
            new java.util.Random(3).nextBytes(random);
            post(sharing("<@USAGE> analyze", "1700000000.001700", "F9", "core.bin", random));
            post(mention("<@USAGE> help", "1700000000.001800"));
            slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.001800")
                    && c.get("blocks").contains("What Sage can do"), Duration.ofSeconds(5));

            FakeSlack.Call judged = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(judged.get("blocks")).contains("`deadlock`").contains("acme-runaway: needs its expressions to finish")
                    .contains("over the budget");
            FakeSlack.Call binary = slack.await("chat.update", c -> c.get("blocks").contains("core.bin")
                    && c.get("blocks").contains("binary data"), Duration.ofSeconds(30));
            assertThat(binary.get("blocks")).doesNotContain("threads (");
        }
    }

    /** A team playbook that fires on a JVM-reported deadlock, titled {@code title}. */
    private static String deadlockPlaybook(String title, String severity) {
        return "id: acme-deadlock\ntitle: \"" + title + "\"\nseverity: " + severity + "\nwhen:\n  - jvm_reports_deadlock: {}\n"
                + "evidence: [\"{{cycle_count}} cycle(s)\"]\n";
    }

    /** Mentions {@code diagnose local:PID} in a new thread and returns the judged answer's blocks. */
    private String answer(long pid, String ts) throws Exception {
        post(mention("<@USAGE> diagnose local:" + pid, ts));
        FakeSlack.Call first = slack.await("chat.postMessage", c -> c.get("thread_ts").equals(ts), Duration.ofSeconds(10));
        return slack.await("chat.update", c -> c.ts().equals(first.ts()) && c.get("blocks").contains("sage_rerun"),
                Duration.ofSeconds(60)).get("blocks");
    }

    @Test
    void teamPlaybooksAreReloadedOnChangeAndARefusedEditKeepsTheLastGoodVersionAndTellsTheAdmins() throws Exception {
        Path plain = java.nio.file.Files.createDirectories(dir.resolve("team"));
        Path acme = plain.resolve("acme.yaml");
        java.nio.file.Files.writeString(acme, deadlockPlaybook("Acme one", "warning"));
        // a ConfigMap as the kubelet mounts it: the files link through ..data, which an update swaps
        Path cm = java.nio.file.Files.createDirectories(dir.resolve("configmap"));
        java.nio.file.Files.createDirectories(cm.resolve("..v1"));
        java.nio.file.Files.writeString(cm.resolve("..v1/other.yaml"), deadlockPlaybook("Other one", "info")
                .replace("acme-deadlock", "other-deadlock"));
        java.nio.file.Files.createSymbolicLink(cm.resolve("..data"), Path.of("..v1"));
        java.nio.file.Files.createSymbolicLink(cm.resolve("other.yaml"), Path.of("..data/other.yaml"));
        serve(LOCAL.replace("rounds: 2", "rounds: 1") + "playbooks: [" + plain + ", " + cm + "]\n"
                + EVERYONE.replace("access:\n", "access:\n  admins: [U1]\n  admins_channel: C0ADMINS\n"));
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            assertThat(answer(jvm.pid(), "1700000000.009100")).contains("Acme one").contains("Other one");

            // an edit is in force for the next mention
            long edited = System.nanoTime();
            java.nio.file.Files.writeString(acme, deadlockPlaybook("Acme two", "warning"));
            awaitPlaybook("Acme two");
            long reloadMillis = (System.nanoTime() - edited) / 1_000_000;
            assertThat(answer(jvm.pid(), "1700000000.009200")).contains("Acme two").doesNotContain("Acme one");

            // a broken edit is refused alone: the admins hear where, and the last good version stays
            java.nio.file.Files.writeString(acme, deadlockPlaybook("Acme three", "sometimes"));
            FakeSlack.Call told = slack.await("chat.postMessage", c -> c.get("channel").equals("C0ADMINS"), Duration.ofSeconds(10));
            assertThat(told.get("blocks")).contains("A team playbook edit was refused")
                    .contains(acme + ":3: severity: 'sometimes' is not a severity")
                    .contains("(its previous version stays in force)");
            assertThat(answer(jvm.pid(), "1700000000.009300")).contains("Acme two").doesNotContain("Acme three");

            // fixed: in force again, and the admins are not told twice of the old refusal
            java.nio.file.Files.writeString(acme, deadlockPlaybook("Acme four", "warning"));
            awaitPlaybook("Acme four");
            assertThat(answer(jvm.pid(), "1700000000.009400")).contains("Acme four");

            // the ConfigMap's update: a new directory, and ..data swapped to it in one rename
            java.nio.file.Files.createDirectories(cm.resolve("..v2"));
            java.nio.file.Files.writeString(cm.resolve("..v2/other.yaml"), deadlockPlaybook("Other two", "info")
                    .replace("acme-deadlock", "other-deadlock"));
            java.nio.file.Files.createSymbolicLink(cm.resolve("..data_tmp"), Path.of("..v2"));
            java.nio.file.Files.move(cm.resolve("..data_tmp"), cm.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            awaitPlaybook("Other two");
            assertThat(answer(jvm.pid(), "1700000000.009500")).contains("Other two").doesNotContain("Other one");
            assertThat(slack.calls("chat.postMessage")).filteredOn(c -> c.get("channel").equals("C0ADMINS")).hasSize(1);

            // listing and forcing a reload; forcing is for admins
            post(mention("<@USAGE> playbooks", "1700000000.009600"));
            FakeSlack.Call list = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.009600"),
                    Duration.ofSeconds(5));
            assertThat(list.get("blocks")).contains("`acme-deadlock`").contains(acme.toString()).contains("`other-deadlock`")
                    .contains("Team directories: " + plain + ", " + cm);
            post(mentionAs("U2", "<@USAGE> playbooks reload", "1700000000.009700"));
            assertThat(slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.009700"),
                    Duration.ofSeconds(5)).get("blocks")).contains("Only Sage's admins may reload the playbooks");
            post(mention("<@USAGE> playbooks reload", "1700000000.009800"));
            assertThat(slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.009800"),
                    Duration.ofSeconds(5)).get("blocks")).contains("Reloaded: nothing changed.");
            System.out.println("time from a playbook edit to its reload: " + reloadMillis + " ms");
        }
    }

    @Test
    void aTeamsScopedPlaybooksJudgeOnlyItsOwnNamespace() throws Exception {
        Path payments = java.nio.file.Files.createDirectories(dir.resolve("payments-team"));
        java.nio.file.Files.writeString(payments.resolve("p.yaml"), deadlockPlaybook("Payments rule", "warning")
                .replace("acme-deadlock", "payments-deadlock"));
        Path search = java.nio.file.Files.createDirectories(dir.resolve("search-team"));
        java.nio.file.Files.writeString(search.resolve("s.yaml"), deadlockPlaybook("Search rule", "warning")
                .replace("acme-deadlock", "search-deadlock"));
        try (FakeApiServer api = new FakeApiServer(); ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            api.addPod("payments", "checkout-1", "checkout", 0, "app");
            api.addPod("search", "indexer-1", "indexer", 0, "app");
            System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
            serve("""
                    kubernetes:
                      contexts:
                        - context: fake
                          namespaces: [payments, search]
                    collection:
                      rounds: 1
                    playbooks:
                      - dir: %s
                        kubernetes:
                          - context: fake
                            namespaces: [payments]
                      - dir: %s
                        kubernetes:
                          - context: fake
                            namespaces: ["sea*"]
                    """.formatted(payments, search));
            // no --context: the scope's context is matched with the one the pod is reached through
            post(mention("<@USAGE> diagnose checkout-1 -n payments --main-class Scenario", "1700000000.009900"));
            FakeSlack.Call p = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun")
                    && c.get("blocks").contains("checkout-1"), Duration.ofSeconds(60));
            assertThat(p.get("blocks")).contains("Payments rule").doesNotContain("Search rule").contains("`deadlock`");
            post(mention("<@USAGE> diagnose indexer-1 -n search --context fake --main-class Scenario", "1700000000.010000"));
            FakeSlack.Call q = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun")
                    && c.get("blocks").contains("indexer-1"), Duration.ofSeconds(60));
            assertThat(q.get("blocks")).contains("Search rule").doesNotContain("Payments rule").contains("`deadlock`");
        }
    }

    /** Waits until {@code @sage playbooks} would list a playbook titled {@code title} (the watcher has reloaded). */
    private void awaitPlaybook(String title) throws Exception {
        for (long until = System.nanoTime() + Duration.ofSeconds(15).toNanos(); System.nanoTime() < until; ) {
            if (service.playbooks(List.of()).playbooks().stream().anyMatch(p -> p.title().equals(title))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no playbook titled '" + title + "' was loaded within 15 s");
    }

    @Test
    void aBadOrStaleSignatureGets401AndNoReply() throws Exception {
        serve(LOCAL);
        String body = mention("<@USAGE> help", "1700000000.000300");
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> forged = send(body, "application/json", now, FakeSlack.sign("wrong-secret", now, body), null);
        assertThat(forged.statusCode()).isEqualTo(401);
        long stale = now - 600;
        HttpResponse<String> old = send(body, "application/json", stale, FakeSlack.sign(SECRET, stale, body), null);
        assertThat(old.statusCode()).isEqualTo(401);
        Thread.sleep(500);
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    @Test
    void slackRetryingAnEventGetsOneAnswer() throws Exception {
        serve(LOCAL);
        String body = mention("<@USAGE> help", "1700000000.000400");
        long now = System.currentTimeMillis() / 1000;
        assertThat(send(body, "application/json", now, FakeSlack.sign(SECRET, now, body), null).statusCode()).isEqualTo(200);
        assertThat(send(body, "application/json", now, FakeSlack.sign(SECRET, now, body), "1").statusCode()).isEqualTo(200);
        slack.await("chat.postMessage", c -> c.get("blocks").contains("What Sage can do"), Duration.ofSeconds(5));
        Thread.sleep(1000);
        assertThat(slack.calls("chat.postMessage")).hasSize(1);
    }

    @Test
    void anEventRetriedToAnotherReplicaSharingTheDatabaseGetsOneAnswer() throws Exception {
        String database = dev.sage.cluster.Postgres.freshSchema();
        serve(LOCAL + "history:\n  url: \"" + database + "\"\n  user: sage\n  password: sage\n");
        SageBot first = bot;
        SlackHttp firstHttp = http;
        serve(LOCAL + "history:\n  url: \"" + database + "\"\n  user: sage\n  password: sage\n");
        try {
            String body = mention("<@USAGE> help", "1700000000.000450");
            long now = System.currentTimeMillis() / 1000;
            SlackHttp second = http;
            http = firstHttp;
            assertThat(send(body, "application/json", now, FakeSlack.sign(SECRET, now, body), null).statusCode()).isEqualTo(200);
            http = second; // Slack saw no acknowledgement in time and retries, through the load balancer, to the other
            assertThat(send(body, "application/json", now, FakeSlack.sign(SECRET, now, body), "1").statusCode()).isEqualTo(200);
            slack.await("chat.postMessage", c -> c.get("blocks").contains("What Sage can do"), Duration.ofSeconds(5));
            Thread.sleep(1000);
            assertThat(slack.calls("chat.postMessage")).as("answered by one replica").hasSize(1);

            post(mention("<@USAGE> help", "1700000000.000460"));
            slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.000460"), Duration.ofSeconds(5));
        } finally {
            firstHttp.close();
            first.close();
        }
    }

    @Test
    void aDirectMessageIsAnsweredAndTheBotsOwnMessagesAreNot() throws Exception {
        serve(LOCAL);
        Map<String, Object> own = event("help", "1700000000.001000");
        @SuppressWarnings("unchecked")
        Map<String, Object> ownEvent = (Map<String, Object>) own.get("event");
        ownEvent.putAll(Map.of("type", "message", "channel", "D1", "channel_type", "im", "bot_id", "B1"));
        post(JSON.writeValueAsString(own));
        Map<String, Object> dm = event("help", "1700000000.001100");
        @SuppressWarnings("unchecked")
        Map<String, Object> dmEvent = (Map<String, Object>) dm.get("event");
        dmEvent.putAll(Map.of("type", "message", "channel", "D1", "channel_type", "im"));
        post(JSON.writeValueAsString(dm));
        slack.await("chat.postMessage", c -> c.get("channel").equals("D1") && c.get("thread_ts").equals("1700000000.001100"),
                Duration.ofSeconds(5));
        Thread.sleep(500);
        assertThat(slack.calls("chat.postMessage")).as("the bot's own message is not answered").hasSize(1);
    }

    @Test
    void anythingSageDoesNotUnderstandGetsHelpWithExamplesAndTheTextEscaped() throws Exception {
        serve(LOCAL);
        post(mention("<@USAGE> please reboot <!channel> now", "1700000000.000500"));
        FakeSlack.Call help = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.000500"),
                Duration.ofSeconds(5));
        assertThat(help.get("blocks")).contains("did not understand").contains("diagnose payments-7d9f8-x2kq -n prod")
                .doesNotContain("<!channel>");
    }

    @Test
    void theSlashCommandStartsAThreadThatSaysWhoAskedAndAnswersInIt() throws Exception {
        serve(LOCAL);
        String form = "command=" + URLEncoder.encode("/sage", StandardCharsets.UTF_8) + "&text=help&channel_id=C9"
                + "&user_id=U7&team_id=T1&api_app_id=A1&response_url=" + URLEncoder.encode("http://127.0.0.1:1/r",
                StandardCharsets.UTF_8) + "&trigger_id=1.2";
        assertThat(post(form, "application/x-www-form-urlencoded").statusCode()).isEqualTo(200);
        FakeSlack.Call top = slack.await("chat.postMessage", c -> c.get("channel").equals("C9")
                && c.get("thread_ts").isEmpty(), Duration.ofSeconds(5));
        assertThat(top.get("blocks")).contains("<@U7> asked: `help`");
        slack.await("chat.postMessage", c -> c.get("channel").equals("C9") && !c.get("thread_ts").isEmpty()
                && c.get("blocks").contains("What Sage can do"), Duration.ofSeconds(5));
    }

    @Test
    void whoMayDoWhatIsCheckedForEveryMentionAndClickAndEveryDecisionAndCommandIsAudited() throws Exception {
        serve("""
                local: true
                collection:
                  rounds: 1
                access:
                  admins: [U0ADMIN]
                  rules:
                    - channels: [C1]
                      groups: [S0ONCALL]
                      may: [diagnose]
                      local: true
                """);
        slack.group("S0ONCALL", List.of("U1"));
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors", "-Dapp.password=hunter2")) {
            // U1 is on call: the diagnosis runs, and every command it ran is on record before it ran
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.002100"));
            slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            // the request's outcome is written once the reply and its attachments are posted
            List<Map<String, Object>> events = awaitAudit(e -> e.get("event").equals("request_done"));
            assertThat(events).extracting(e -> e.get("event")).startsWith("request").contains("command", "command_done")
                    .endsWith("request_done");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("user")).isEqualTo("U1");
                assertThat(e.get("channel")).isEqualTo("C1");
                assertThat(e.get("thread")).isEqualTo("1700000000.002100");
            });
            // on this machine Sage attaches itself: each jcmd command is a command of the record
            assertThat(events).filteredOn(e -> e.get("event").equals("command")).extracting(e -> e.get("argv").toString())
                    .contains("[attach, " + jvm.pid() + ", jcmd, Thread.print]",
                            "[attach, " + jvm.pid() + ", jcmd, GC.class_histogram -all]");
            assertThat(events).filteredOn(e -> e.get("event").equals("command_done"))
                    .allSatisfy(e -> assertThat(e).containsKeys("exit", "millis", "bytes", "outcome"));
            assertThat(java.nio.file.Files.readString(audit())).as("nothing from the target's command line")
                    .doesNotContain("hunter2").doesNotContain("app.password");

            // a click is checked as the person who clicks: U2 is not on call
            String value = Again.of((Conversation.Diagnose) Conversation.read("local:" + jvm.pid(), false)).encode();
            post(click("sage_rerun", value, "1700000001.002200", "1700000000.002100"), "application/x-www-form-urlencoded");
            FakeSlack.Call refused = slack.await("chat.postEphemeral", c -> c.get("blocks").contains("no_entry"), Duration.ofSeconds(10));
            assertThat(refused.get("user")).as("only the person refused sees it").isEqualTo("U2");
            assertThat(refused.get("thread_ts")).isEqualTo("1700000000.002100");
            assertThat(refused.get("blocks")).contains("You may not diagnose JVMs on Sage's own machine in this channel.")
                    .contains("<@U0ADMIN>");
            assertThat(awaitAudit(e -> e.get("event").equals("refused"))).last().satisfies(e -> {
                assertThat(e.get("event")).isEqualTo("refused");
                assertThat(e.get("user")).isEqualTo("U2");
            });
            // and U1 may not watch, which no rule grants
            post(mention("<@USAGE> watch local:" + jvm.pid() + " for 10s", "1700000000.002300"));
            slack.await("chat.postEphemeral", c -> c.get("thread_ts").equals("1700000000.002300")
                    && c.get("blocks").contains("You may not watch"), Duration.ofSeconds(10));
            // nor compare and watch at once, which needs both rights
            post(mention("<@USAGE> compare local:" + jvm.pid() + " with auto for 10s", "1700000000.002350"));
            slack.await("chat.postEphemeral", c -> c.get("thread_ts").equals("1700000000.002350")
                    && c.get("blocks").contains("You may not"), Duration.ofSeconds(10));
            // "Show raw" hands out the report: it is checked as the person who clicks too
            post(click("sage_raw", value, "1700000001.002200", "1700000000.002100"), "application/x-www-form-urlencoded");
            slack.await("chat.postEphemeral", c -> c.get("blocks").contains("no_entry") && c.get("blocks").contains("diagnose"),
                    Duration.ofSeconds(10));
            assertThat(slack.calls("files.completeUploadExternal")).as("no report was handed to U2")
                    .noneMatch(c -> c.get("initial_comment").contains("The full report"));
        }
    }

    @Test
    void anActionAFindingSuggestsAsksForConfirmationRunsForWhoeverMayActAndStatesItsCostBeforeAndAfter() throws Exception {
        serve(LOCAL + """
                access:
                  rules:
                    - users: ["*"]
                      may: [diagnose]
                      local: true
                    - users: [U2]
                      may: [act]
                      local: true
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("heap-released", "-Xms512m", "-Xmx512m")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.002500"));
            FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(done.get("blocks")).contains("`memory-not-returned`");
            BlockKitLimits.check(done.blocks());
            JsonNode gc = null;
            for (JsonNode b : done.blocks()) {
                for (JsonNode e : b.path("elements")) {
                    if (e.path("action_id").asText().equals("sage_act_gc_run")) {
                        gc = e;
                    }
                }
            }
            assertThat(gc).as("a full GC is offered under the finding that suggests it").isNotNull();
            // Slack shows this dialog before it sends the click: what the GC costs the JVM is said there
            JsonNode confirm = gc.get("confirm");
            assertThat(confirm.at("/title/text").asText()).isEqualTo("Run a full GC?");
            assertThat(confirm.at("/text/type").asText()).as("Slack's dialogs take plain text").isEqualTo("plain_text");
            assertThat(confirm.at("/text/text").asText()).contains("stop-the-world").contains("used now")
                    .as("the flags say a GC cannot give memory back here").contains("-Xms equals -Xmx: the heap cannot shrink")
                    .hasSizeLessThanOrEqualTo(300);
            assertThat(confirm.at("/confirm/text").asText()).hasSizeLessThanOrEqualTo(30);
            assertThat(confirm.at("/deny/text").asText()).isEqualTo("Cancel");
            assertThat(done.get("blocks")).contains("sage_act_trim_native_heap");

            // U1 may diagnose but not act: the click is refused, to U1 only, and nothing runs
            String value = gc.get("value").asText();
            post(clickAs("U1", "sage_act_gc_run", value, done.ts(), "1700000000.002500"), "application/x-www-form-urlencoded");
            FakeSlack.Call refused = slack.await("chat.postEphemeral", c -> c.get("blocks").contains("no_entry"),
                    Duration.ofSeconds(10));
            assertThat(refused.get("user")).isEqualTo("U1");
            assertThat(refused.get("blocks")).contains("may not act");

            // U2 confirmed the dialog: Slack sends the click, and the GC runs between two looks at the JVM's memory
            post(click("sage_act_gc_run", value, done.ts(), "1700000000.002500"), "application/x-www-form-urlencoded");
            FakeSlack.Call running = slack.await("chat.postMessage", c -> c.get("text").contains("Running a full GC"),
                    Duration.ofSeconds(10));
            FakeSlack.Call result = slack.await("chat.update", c -> c.ts().equals(running.ts())
                    && c.get("text").contains("Full GC"), Duration.ofSeconds(60));
            assertThat(result.get("blocks")).contains("RSS ").contains("heap committed 512 MiB → 512 MiB")
                    .contains("the JVM's collectors ran for").contains("ms, attach included").contains("<@U2>");

            List<Map<String, Object>> audit = awaitAudit(e -> e.get("event").equals("request_done")
                    && e.get("user").equals("U2"));
            Map<String, Object> asked = audit.stream().filter(e -> e.get("event").equals("request") && e.get("user").equals("U2"))
                    .findFirst().orElseThrow();
            assertThat(asked.get("action")).isEqualTo("act");
            assertThat(asked.get("target").toString()).endsWith("gc_run");
            assertThat(audit).filteredOn(e -> e.get("event").equals("command") && e.get("user").equals("U2"))
                    .anySatisfy(e -> assertThat(e.get("argv").toString()).endsWith("jcmd, GC.run]"));
            assertThat(audit).last().satisfies(e -> assertThat(e.get("outcome")).isEqualTo("done"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("refused")).singleElement()
                    .satisfies(e -> assertThat(e.get("user")).isEqualTo("U1"));
        }
    }

    @Test
    void aDigestAskedForInChatIsRunOverItsFleetAndPostedInTheThreadAndOnItsScheduleInItsChannel() throws Exception {
        serve("""
                local: true
                collection:
                  rounds: 1
                digests:
                  - name: fleet
                    cron: "* * * * * ?"
                    channel: C0FLEET
                    targets:
                      local: true
                    per_target: 20s
                access:
                  rules:
                    - users: [U1]
                      may: [digest, diagnose]
                      local: true
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors");
             ScenarioJvm healthy = ScenarioJvm.start("healthy")) {
            post(mention("<@USAGE> digest", "1700000000.002600"));
            FakeSlack.Call listed = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.002600"),
                    Duration.ofSeconds(10));
            assertThat(listed.get("blocks")).contains("Digests here: `fleet`").contains("@sage digest NAME");

            post(mention("<@USAGE> digest fleet", "1700000000.002700"));
            FakeSlack.Call digest = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.002700")
                    && c.get("blocks").contains("Fleet health"), Duration.ofSeconds(60));
            BlockKitLimits.check(digest.blocks());
            assertThat(digest.get("blocks")).contains(":bar_chart: Fleet health: fleet").contains(":red_circle: 1 critical")
                    .contains("local:" + jvm.pid()).contains("[deadlock]").contains("Diagnose");
            assertThat(digest.get("blocks")).contains("local:" + healthy.pid());
            assertThat(digest.get("blocks").indexOf("local:" + jvm.pid())).as("the critical JVM first")
                    .isLessThan(digest.get("blocks").indexOf("local:" + healthy.pid()));
            List<Map<String, Object>> audit = awaitAudit(e -> e.get("event").equals("request_done"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("request")).singleElement()
                    .satisfies(e -> assertThat(e.get("action")).isEqualTo("digest"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("command"))
                    .anySatisfy(e -> assertThat(e.get("target")).isEqualTo("local:" + jvm.pid()));
            assertThat(audit).last().satisfies(e -> assertThat(e.get("outcome")).isEqualTo("posted"));

            // on its schedule: Quartz fires it, and it is posted at the top of its channel
            try (dev.sage.digest.DigestScheduler schedule = new dev.sage.digest.DigestScheduler(
                    BotConfig.parse("sage.yaml", "local: true\ndigests:\n  - name: fleet\n    cron: \"* * * * * ?\"\n"
                            + "    channel: C0FLEET\n    targets:\n      local: true\n", k -> null).digests(), bot::runDigest)) {
                FakeSlack.Call scheduled = slack.await("chat.postMessage", c -> c.get("channel").equals("C0FLEET")
                        && c.get("blocks").contains("Fleet health"), Duration.ofSeconds(60));
                assertThat(scheduled.get("thread_ts")).isEmpty();
                // its second run: the history has two points to draw through, and the week's chart goes in its thread
                FakeSlack.Call chart = slack.await("files.completeUploadExternal", c -> c.get("thread_ts")
                        .equals(scheduled.ts()), Duration.ofSeconds(30));
                assertThat(chart.get("channel_id")).isEqualTo("C0FLEET");
                assertThat(slack.uploads()).anySatisfy(u -> {
                    assertThat(u.filename()).isEqualTo("fleet-fleet-week.png");
                    assertThat(new String(u.data(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
                });
            }

            // a diagnosis from chat says when the digest last saw this JVM, and how it compares
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.002800"));
            FakeSlack.Call seen = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.002800")
                    && c.get("blocks").contains("Last seen"), Duration.ofSeconds(60));
            assertThat(seen.get("blocks")).containsPattern("Last seen \\d+ min ago by digest fleet \\(critical\\): RSS \\d")
                    .contains(" threads");
        }
    }

    @Test
    void aProfileAskedForInChatNamesTheAllocatingMethodWithItsFlameGraphAndAJfrSharedBackReadsTheSame() throws Exception {
        serve(LOCAL + """
                access:
                  rules:
                    - users: [U1]
                      may: [diagnose, profile, analyze]
                      local: true
                    - users: [U2]
                      may: [diagnose]
                      local: true
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("allocation-hotspot")) {
            // U2 may diagnose, not profile: refused, to U2 alone, and nothing is recorded
            post(mentionAs("U2", "<@USAGE> profile local:" + jvm.pid() + " for 3s", "1700000000.002900"));
            FakeSlack.Call refused = slack.await("chat.postEphemeral", c -> c.get("blocks").contains("no_entry"),
                    Duration.ofSeconds(10));
            assertThat(refused.get("user")).isEqualTo("U2");
            assertThat(refused.get("blocks")).contains("may not profile").contains("Here you may diagnose");

            post(mention("<@USAGE> profile local:" + jvm.pid() + " for 3s", "1700000000.003000"));
            FakeSlack.Call progress = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.003000"),
                    Duration.ofSeconds(10));
            assertThat(progress.get("text")).contains("Recording").contains("for 3 s");
            FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(progress.ts())
                    && c.get("blocks").contains("Profile of"), Duration.ofSeconds(60));
            BlockKitLimits.check(done.blocks());
            assertThat(done.get("blocks")).contains("dev.sage.scenarios.Scenario.buildReport").contains("<@U1>")
                    .contains("Allocations, by the code that allocates");
            slack.await("files.completeUploadExternal", c -> c.get("thread_ts").equals("1700000000.003000"),
                    Duration.ofSeconds(20));
            assertThat(slack.uploads()).anySatisfy(u -> {
                assertThat(u.filename()).isEqualTo("profile-allocations.png");
                assertThat(new String(u.data(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            });
            // the recording itself, without the JVM's environment, properties, arguments or messages
            assertThat(slack.uploads()).filteredOn(u -> u.filename().endsWith(".jfr")).singleElement().satisfies(u -> {
                assertThat(u.filename()).isEqualTo("profile.jfr");
                dev.sage.profile.Profile shared = dev.sage.profile.ProfileReader.read(u.data(), u.filename());
                assertThat(shared.privateEvents()).isEmpty();
                assertThat(shared.allocationSites().get(0).frame()).isEqualTo("dev.sage.scenarios.Scenario.buildReport");
            });
            List<Map<String, Object>> audit = awaitAudit(e -> e.get("event").equals("request_done") && e.get("user").equals("U1"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("request") && e.get("user").equals("U1")).singleElement()
                    .satisfies(e -> assertThat(e.get("target").toString()).endsWith("(profile 3 s)"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("command") && e.get("user").equals("U1"))
                    .anySatisfy(e -> assertThat(e.get("argv").toString()).contains("sage-profile"));
            assertThat(audit).filteredOn(e -> e.get("event").equals("refused")).singleElement()
                    .satisfies(e -> assertThat(e.get("user")).isEqualTo("U2"));

            // a recording someone made (sage profile --out) and shares in a thread reads as the same profile
            byte[] jfr = new dev.sage.collect.Collector(new dev.sage.transport.LocalTransport()).recordJfr(jvm.pid(),
                    Duration.ofSeconds(2), dev.sage.collect.CollectionPlan.defaults()).jfr();
            post(sharing("<@USAGE> analyze", "1700000000.003100", "F10", "payments.jfr", jfr));
            FakeSlack.Call read = slack.await("chat.update", c -> c.get("blocks").contains("Profile of payments.jfr"),
                    Duration.ofSeconds(30));
            assertThat(read.get("blocks")).contains("(a recording read from its file)")
                    .contains("dev.sage.scenarios.Scenario.buildReport");
        }
    }

    @Test
    void twoJvmsProfiledSideBySideSayWhatMovedWithDifferentialFlameGraphs() throws Exception {
        serve(LOCAL + """
                access:
                  rules:
                    - users: [U1]
                      may: [profile]
                      local: true
                """);
        try (ScenarioJvm hot = ScenarioJvm.start("allocation-hotspot"); ScenarioJvm calm = ScenarioJvm.start("busy-healthy")) {
            post(mention("<@USAGE> profile local:" + hot.pid() + " for 3s with local:" + calm.pid(), "1700000000.003150"));
            FakeSlack.Call progress = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.003150"),
                    Duration.ofSeconds(10));
            assertThat(progress.get("text")).contains("Recording `local:" + hot.pid() + "` and `local:" + calm.pid() + "`")
                    .contains("for 3 s, side by side");
            FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(progress.ts())
                    && c.get("blocks").contains("What changed from"), Duration.ofSeconds(60));
            BlockKitLimits.check(done.blocks());
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "slack-profile-side-by-side.json"),
                    done.get("blocks")); // to look at
            assertThat(done.get("blocks")).contains("What changed from local pid " + calm.pid())
                    .containsPattern("new +\\+\\d+\\.\\d pts +0\\.0 % -&gt; +\\d+\\.\\d % +dev\\.sage\\.scenarios\\.Scenario\\.buildReport");
            slack.await("files.completeUploadExternal", c -> c.get("thread_ts").equals("1700000000.003150"),
                    Duration.ofSeconds(20));
            assertThat(slack.uploads()).anySatisfy(u -> {
                assertThat(u.filename()).isEqualTo("profile-allocations-diff.png");
                assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(u.data())).getWidth()).isEqualTo(1200);
            });
            assertThat(awaitAudit(e -> e.get("event").equals("request_done"))).filteredOn(e -> e.get("event").equals("request"))
                    .singleElement().satisfies(e -> assertThat(e.get("target").toString()).contains("(profile 3 s, beside "));
        }
    }

    @Test
    void aThreadLeakOffersAProfileOfItsJvmWhichIsCheckedAsThePersonWhoClicks() throws Exception {
        serve("""
                local: true
                collection:
                  rounds: 2
                  interval: 4s
                  timeout: 30s
                access:
                  rules:
                    - users: [U1]
                      may: [diagnose]
                      local: true
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.003200"));
            FakeSlack.Call ack = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.003200"),
                    Duration.ofSeconds(10));
            FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(ack.ts())
                    && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(done.get("blocks")).contains("`thread-leak`");
            JsonNode profile = null;
            for (JsonNode b : done.blocks()) {
                for (JsonNode e : b.path("elements")) {
                    if (e.path("action_id").asText().equals("sage_profile")) {
                        profile = e;
                    }
                }
            }
            assertThat(profile).as("a Profile 30 s button").isNotNull();
            assertThat(profile.at("/text/text").asText()).isEqualTo("Profile 30 s");
            Again again = Again.decode(profile.get("value").asText()).orElseThrow();
            assertThat(again.target()).isEqualTo("local:" + jvm.pid());

            // U1 may diagnose, not profile: the click is refused, to U1 alone
            post(clickAs("U1", "sage_profile", profile.get("value").asText(), done.ts(), "1700000000.003200"),
                    "application/x-www-form-urlencoded");
            FakeSlack.Call refused = slack.await("chat.postEphemeral", c -> c.get("blocks").contains("may not profile"),
                    Duration.ofSeconds(10));
            assertThat(refused.get("user")).isEqualTo("U1");
            assertThat(awaitAudit(e -> e.get("event").equals("refused"))).filteredOn(e -> e.get("event").equals("refused"))
                    .singleElement().satisfies(e -> assertThat(e.get("target").toString()).endsWith("(profile 30 s)"));
        }
    }

    @Test
    void aDiagnosisWithAProfileNamesTheCodeThatStartsTheLeakingThreadsForThoseWhoMayProfile() throws Exception {
        serve("""
                local: true
                collection:
                  rounds: 2
                  interval: 2s
                  timeout: 30s
                access:
                  rules:
                    - users: [U1]
                      may: [diagnose]
                      local: true
                    - users: [U2]
                      may: [diagnose, profile]
                      local: true
                """);
        try (ScenarioJvm jvm = ScenarioJvm.start("thread-leak")) {
            post(mentionAs("U2", "<@USAGE> diagnose local:" + jvm.pid() + " --profile 3s", "1700000000.003300"));
            FakeSlack.Call ack = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.003300"),
                    Duration.ofSeconds(10));
            assertThat(ack.get("text")).contains("2 rounds 2 s apart, then a 3 s recording with JDK Flight Recorder");
            FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(ack.ts())
                    && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            BlockKitLimits.check(done.blocks());
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "slack-diagnose-profile.json"),
                    done.get("blocks")); // to look at
            assertThat(done.get("blocks")).contains("`thread-leak`")
                    .containsPattern("started by dev\\.sage\\.scenarios\\.Scenario\\.lambda\\$main\\$\\d+ \\(\\d+ threads of the family in"
                            + " the \\d s recording");
            assertThat(awaitAudit(e -> e.get("event").equals("request_done") && e.get("user").equals("U2")))
                    .filteredOn(e -> e.get("event").equals("command") && e.get("user").equals("U2"))
                    .anySatisfy(e -> assertThat(e.get("argv").toString()).contains("sage-profile"));

            // U1 may diagnose, not profile: a diagnosis that records is refused, to U1 alone
            post(mention("<@USAGE> diagnose local:" + jvm.pid() + " --profile 3s", "1700000000.003400"));
            FakeSlack.Call refused = slack.await("chat.postEphemeral", c -> c.get("blocks").contains("may not"),
                    Duration.ofSeconds(10));
            assertThat(refused.get("user")).isEqualTo("U1");
            assertThat(refused.get("blocks")).contains("profile");

            // a length out of range is explained, not guessed
            post(mention("<@USAGE> diagnose local:" + jvm.pid() + " --profile 10m", "1700000000.003500"));
            FakeSlack.Call help = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.003500"),
                    Duration.ofSeconds(10));
            assertThat(help.get("blocks")).contains("needs how long to record, 1 s to 5 min");
        }
    }

    @Test
    void aRequestWhoseAuditCannotBeWrittenIsNotRun() throws Exception {
        serve(LOCAL);
        try (ScenarioJvm jvm = ScenarioJvm.start("idle")) {
            // the audit file turns into a directory under the running bot: every write now fails
            java.nio.file.Files.delete(audit());
            java.nio.file.Files.createDirectories(audit());
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.002400"));
            FakeSlack.Call failed = slack.await("chat.postMessage", c -> c.get("blocks").contains("off the record"),
                    Duration.ofSeconds(10));
            assertThat(failed.get("thread_ts")).isEqualTo("1700000000.002400");
            Thread.sleep(500);
            assertThat(slack.calls("chat.update")).as("no diagnosis was started").isEmpty();
        }
    }

    @Test
    void anAlertmanagerAlertNamingAPodIsDiagnosedInItsChannelAndItsResolutionIsSaidInTheThread() throws Exception {
        try (FakeApiServer api = new FakeApiServer()) {
            fakePod(api);
            serve("""
                    kubernetes:
                      default_namespace: prod
                      contexts:
                        - context: fake
                          namespaces: [prod]
                    collection:
                      rounds: 1
                    alerts:
                      token: al3rt
                      routes:
                        - receiver: payments-oncall
                          channel: C0PAY
                    """);
            String firing = dev.sage.alerts.AlertIntakeTest.payload("firing", "c0ffee", "payments-oncall",
                    Map.of("alertname", "JvmMemoryHigh", "namespace", "prod", "pod", "payments-7d9f8-x2kq"));
            assertThat(alert(firing, "wrong").statusCode()).isEqualTo(401);
            assertThat(alert(firing, "al3rt").statusCode()).isEqualTo(200);
            FakeSlack.Call top = slack.await("chat.postMessage", c -> c.get("channel").equals("C0PAY")
                    && c.get("blocks").contains("rotating_light"), Duration.ofSeconds(10));
            assertThat(top.get("blocks")).contains("*JvmMemoryHigh* is firing for `prod/payments-7d9f8-x2kq`")
                    .contains("payments at 80% of its memory limit");
            // the diagnosis follows in that thread; the fake's pod runs this machine's JVMs, so it asks which one
            FakeSlack.Call answer = slack.await("chat.update", c -> c.get("channel").equals("C0PAY")
                    && c.get("blocks").contains("payments-7d9f8-x2kq") && !c.get("blocks").contains("hourglass"), Duration.ofSeconds(60));
            assertThat(answer.get("blocks")).doesNotContain("no_entry");
            assertThat(awaitAudit(e -> e.get("event").equals("request_done"))).first().satisfies(e -> {
                assertThat(e.get("user")).isEqualTo("alertmanager");
                assertThat(e.get("action")).isEqualTo("alert");
                assertThat(e.get("channel")).isEqualTo("C0PAY");
                assertThat(e.get("thread")).isEqualTo(top.ts());
            });

            assertThat(alert(firing, "al3rt").statusCode()).isEqualTo(200);
            assertThat(alert(firing.replace("\"firing\"", "\"resolved\""), "al3rt").statusCode()).isEqualTo(200);
            slack.await("chat.postMessage", c -> top.ts().equals(c.get("thread_ts")) && c.get("blocks").contains("resolved"),
                    Duration.ofSeconds(10));
            assertThat(slack.calls("chat.postMessage")).as("the repeat was not diagnosed again")
                    .filteredOn(c -> c.get("blocks").contains("rotating_light")).hasSize(1);
        }
    }

    /** A pod payments-7d9f8-x2kq in prod behind the Kubernetes API fake (its processes are this machine's). */
    private void fakePod(FakeApiServer api) throws Exception {
        api.addPod("prod", "payments-7d9f8-x2kq", "payments-7d9f8", 0, "app");
        System.setProperty("kubeconfig", api.kubeconfig(dir).toString());
    }

    private HttpResponse<String> alert(String body, String token) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + http.port() + "/alerts"))
                .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The audit once its last event satisfies {@code last} (within 10 s). */
    private List<Map<String, Object>> awaitAudit(java.util.function.Predicate<Map<String, Object>> last) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Map<String, Object>> events = auditEvents();
        while ((events.isEmpty() || !last.test(events.get(events.size() - 1))) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            events = auditEvents();
        }
        return events;
    }

    private List<Map<String, Object>> auditEvents() throws Exception {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(audit())) {
            out.add(JSON.readValue(line, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
        }
        return out;
    }

    @Test
    void aTargetOutsideTheConfigurationIsRefusedSayingWhatIsAllowed() throws Exception {
        serve("""
                kubernetes:
                  contexts:
                    - namespaces: [prod]
                """);
        post(mention("<@USAGE> diagnose local:1", "1700000000.000600"));
        FakeSlack.Call refused = slack.await("chat.update", c -> c.get("blocks").contains("not diagnose JVMs on its own"),
                Duration.ofSeconds(10));
        assertThat(refused.get("blocks")).contains("local: true");
    }

    @Test
    void aPodInTheClusterIsDiagnosedFromAMentionAndAMistypedOneGetsDidYouMeanButtons() throws Exception {
        try (FakeApiServer api = new FakeApiServer(); ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            fakePod(api);
            serve("""
                    kubernetes:
                      default_namespace: prod
                      contexts:
                        - context: fake
                          namespaces: ["pro*"]
                    collection:
                      rounds: 1
                    """);
            post(mention("<@USAGE> what's wrong with payments-7d9f8-x2kq in prod --main-class Scenario?", "1700000000.000700"));
            FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(60));
            assertThat(done.get("blocks")).contains("`deadlock`").contains("pod/payments-7d9f8-x2kq -n prod -c app")
                    .contains("Compare with a healthy sibling");
            slack.await("files.completeUploadExternal", c -> c.get("thread_ts").equals("1700000000.000700"), Duration.ofSeconds(20));
            assertThat(slack.uploads()).extracting(FakeSlack.Upload::filename).contains("memory.png", "thread-dumps.txt");

            post(mention("<@USAGE> paymnts-7d9f8-x2kq --main-class Scenario", "1700000000.000800"));
            FakeSlack.Call missing = slack.await("chat.update", c -> c.get("blocks").contains("did you mean"),
                    Duration.ofSeconds(30));
            assertThat(missing.get("blocks")).contains("Diagnose payments-7d9f8-x2kq")
                    .contains("{\\\"t\\\":\\\"payments-7d9f8-x2kq\\\",\\\"n\\\":\\\"prod\\\",\\\"m\\\":\\\"Scenario\\\"}");
        }
    }

    @Test
    void aDumpSharedWithTheMentionIsDownloadedWithTheBotTokenAndAnalysed() throws Exception {
        serve(LOCAL);
        byte[] dump = java.nio.file.Files.readAllBytes(Path.of("src/main/resources/samples/leaky-service/03-thread-print.txt"));
        post(sharing("<@USAGE> analyze", "1700000000.000900", "F1", "threads.txt", dump));
        FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("threads.txt")
                && !c.get("blocks").contains("hourglass"), Duration.ofSeconds(30));
        assertThat(done.get("blocks")).contains("pool-*-thread-1").doesNotContain("sage_rerun");
    }

    private static String click(String actionId, String value, String messageTs, String threadTs) throws Exception {
        return clickAs("U2", actionId, value, messageTs, threadTs);
    }

    private static String clickAs(String user, String actionId, String value, String messageTs, String threadTs)
            throws Exception {
        String payload = JSON.writeValueAsString(Map.of(
                "type", "block_actions",
                "team", Map.of("id", "T1"),
                "user", Map.of("id", user, "team_id", "T1"),
                "api_app_id", "A1",
                "trigger_id", "1.2.3",
                "container", Map.of("type", "message", "message_ts", messageTs, "channel_id", "C1", "thread_ts", threadTs),
                "channel", Map.of("id", "C1"),
                "actions", List.of(Map.of("type", "button", "action_id", actionId, "block_id", "sage_actions",
                        "value", value, "action_ts", "1700000002.1"))));
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    @Test
    void analyzeInAThreadReadsTheDumpSharedThereEarlierNotSagesOwnUploads() throws Exception {
        serve(LOCAL);
        byte[] dump = java.nio.file.Files.readAllBytes(Path.of("src/main/resources/samples/leaky-service/03-thread-print.txt"));
        String person = slack.share("threads-from-prod.txt", dump);
        String own = slack.share("thread-dumps.txt", "not a capture".getBytes(StandardCharsets.UTF_8));
        slack.thread("1700000000.002000",
                "{\"type\":\"message\",\"user\":\"U1\",\"ts\":\"1700000000.002000\",\"text\":\"here\","
                        + "\"files\":[{\"id\":\"F1\",\"name\":\"threads-from-prod.txt\",\"size\":" + dump.length
                        + ",\"url_private_download\":\"" + person + "\"}]}",
                "{\"type\":\"message\",\"user\":\"USAGE\",\"bot_id\":\"B1\",\"ts\":\"1700000000.002100\","
                        + "\"files\":[{\"id\":\"F2\",\"name\":\"thread-dumps.txt\",\"size\":13,"
                        + "\"url_private_download\":\"" + own + "\"}]}");
        Map<String, Object> ask = event("<@USAGE> analyze", "1700000000.002200");
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) ask.get("event");
        inner.put("thread_ts", "1700000000.002000");
        post(JSON.writeValueAsString(ask));
        FakeSlack.Call done = slack.await("chat.update", c -> c.get("blocks").contains("threads-from-prod.txt")
                && !c.get("blocks").contains("hourglass"), Duration.ofSeconds(30));
        assertThat(done.get("blocks")).contains("pool-*-thread-1").doesNotContain("thread-dumps.txt");
    }

    @Test
    void explainInADiagnosisThreadReadsTheCapturesSageAttachedThere() throws Exception {
        serve(LOCAL);
        try (ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            post(mention("<@USAGE> diagnose local:" + jvm.pid(), "1700000000.010100"));
            slack.await("files.completeUploadExternal", c -> c.get("thread_ts").equals("1700000000.010100"),
                    Duration.ofSeconds(60));
        }
        // the thread as Slack would list it: Sage's message with the captures it attached
        List<String> files = new ArrayList<>();
        for (FakeSlack.Upload u : slack.uploads()) {
            if (u.filename().endsWith(".txt")) {
                files.add("{\"id\":\"" + u.id() + "\",\"name\":\"" + u.filename() + "\",\"size\":" + u.data().length
                        + ",\"url_private_download\":\"" + slack.share(u.filename(), u.data()) + "\"}");
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        slack.thread("1700000000.010100",
                "{\"type\":\"message\",\"user\":\"U1\",\"ts\":\"1700000000.010100\",\"text\":\"diagnose\"}",
                "{\"type\":\"message\",\"user\":\"USAGE\",\"bot_id\":\"B1\",\"ts\":\"1700000000.010200\","
                        + "\"files\":[" + String.join(",", files) + "]}");

        post(JSON.writeValueAsString(inThread("<@USAGE> explain deadlock", "1700000000.010300", "1700000000.010100")));
        String fires = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.010100")
                && c.get("blocks").contains("`deadlock`") && c.get("blocks").contains("```"), Duration.ofSeconds(20))
                .get("blocks");
        assertThat(fires).contains("`deadlock` fires").contains("[ok]   when[0]");

        post(JSON.writeValueAsString(inThread("<@USAGE> explain cpu-spin?", "1700000000.010400", "1700000000.010100")));
        String quiet = slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.010100")
                && c.get("blocks").contains("`cpu-spin`") && c.get("blocks").contains("```"), Duration.ofSeconds(20)).get("blocks");
        assertThat(quiet).contains("`cpu-spin` does not fire, stopped at when[0] cpu_spin").contains("[no]");

        post(mention("<@USAGE> explain deadlock", "1700000000.010500"));
        assertThat(slack.await("chat.postMessage", c -> c.get("thread_ts").equals("1700000000.010500"), Duration.ofSeconds(10))
                .get("blocks")).contains("in the thread of a diagnosis");
    }

    /** A mention inside the thread {@code thread}. */
    private static Map<String, Object> inThread(String text, String ts, String thread) {
        Map<String, Object> ask = event(text, ts);
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) ask.get("event");
        inner.put("thread_ts", thread);
        return ask;
    }

    private static Map<String, Object> event(String text, String ts) {
        Map<String, Object> inner = new java.util.LinkedHashMap<>(Map.of("type", "app_mention", "user", "U1", "text", text,
                "ts", ts, "channel", "C1", "event_ts", ts));
        return new java.util.LinkedHashMap<>(Map.of("token", "legacy", "team_id", "T1", "api_app_id", "A1",
                "type", "event_callback", "event_id", "Ev" + EVENTS.incrementAndGet(), "event_time", 1700000000,
                "event", inner));
    }

    /** A mention with a file shared in it: the fake Slack serves the file at the URL the event names. */
    private String sharing(String text, String ts, String id, String name, byte[] data) throws Exception {
        Map<String, Object> e = event(text, ts);
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) e.get("event");
        String url = slack.share(name, data);
        inner.put("files", List.of(Map.of("id", id, "name", name, "size", data.length, "url_private_download", url,
                "url_private", url)));
        return JSON.writeValueAsString(e);
    }

    private static String mention(String text, String ts) throws Exception {
        return JSON.writeValueAsString(event(text, ts));
    }

    /** A mention by {@code user} instead of the default one. */
    private static String mentionAs(String user, String text, String ts) throws Exception {
        Map<String, Object> asked = event(text, ts);
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) asked.get("event");
        inner.put("user", user);
        return JSON.writeValueAsString(asked);
    }

    private HttpResponse<String> post(String json) throws Exception {
        return post(json, "application/json");
    }

    private HttpResponse<String> post(String body, String type) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return send(body, type, now, FakeSlack.sign(SECRET, now, body), null);
    }

    private HttpResponse<String> send(String body, String type, long ts, String signature, String retry) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/slack/events"))
                .header("Content-Type", type)
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (retry != null) {
            b.header("X-Slack-Retry-Num", retry).header("X-Slack-Retry-Reason", "http_timeout");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Slack's documented Block Kit limits, checked on what Sage sent. */
    static final class BlockKitLimits {
        static void check(JsonNode blocks) {
            assertThat(blocks.size()).isBetween(1, 50);
            for (JsonNode b : blocks) {
                switch (b.get("type").asText()) {
                    case "header" -> assertThat(b.at("/text/text").asText().length()).isLessThanOrEqualTo(150);
                    case "section" -> assertThat(b.at("/text/text").asText().length()).isLessThanOrEqualTo(3000);
                    case "context" -> {
                        assertThat(b.get("elements").size()).isBetween(1, 10);
                        b.get("elements").forEach(e -> assertThat(e.get("text").asText().length()).isLessThanOrEqualTo(3000));
                    }
                    case "actions" -> {
                        assertThat(b.get("elements").size()).isBetween(1, 25);
                        List<String> ids = new java.util.ArrayList<>();
                        b.get("elements").forEach(e -> {
                            assertThat(e.at("/text/text").asText().length()).isLessThanOrEqualTo(75);
                            assertThat(e.get("value").asText().length()).isLessThanOrEqualTo(2000);
                            ids.add(e.get("action_id").asText());
                        });
                        assertThat(ids).doesNotHaveDuplicates();
                    }
                    case "divider" -> { }
                    default -> throw new AssertionError("unexpected block " + b);
                }
            }
        }
    }
}
