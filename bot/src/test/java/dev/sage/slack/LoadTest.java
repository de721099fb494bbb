package dev.sage.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.config.BotConfig;
import dev.sage.scenarios.ScenarioJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hundred mentions at once, over signed HTTP, from sixteen people in four channels, naming three real JVMs: every
 * one is answered exactly once (a diagnosis, or a polite "wait" for whoever asked too often), requests for a JVM
 * already being diagnosed join that diagnosis, and the bot's heap stays bounded. Writes its figures to
 * {@code bot/target/load-test.md}.
 */
class LoadTest {
    private static final String SECRET = "load-secret";
    private static final int MENTIONS = 100;
    private static final int PEOPLE = 16;
    private static final int PER_USER = 6;

    @TempDir
    Path dir;

    @Test
    void aHundredMentionsAtOnceAreEachAnsweredOnceWithDuplicatesJoinedTheRateLimitAppliedAndTheHeapBounded()
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(16)).build();
        try (FakeSlack slack = new FakeSlack();
             ScenarioJvm a = ScenarioJvm.start("deadlock-monitors");
             ScenarioJvm b = ScenarioJvm.start("thread-leak");
             ScenarioJvm c = ScenarioJvm.start("idle")) {
            long[] pids = {a.pid(), b.pid(), c.pid()};
            Map<String, String> env = Map.of("SLACK_BOT_TOKEN", FakeSlack.BOT_TOKEN, "SLACK_SIGNING_SECRET", SECRET,
                    "SAGE_SLACK_API_URL", slack.apiUrl());
            BotConfig config = BotConfig.parse("load.yaml", """
                    local: true
                    collection:
                      rounds: 1
                      timeout: 30s
                    limits:
                      concurrent_diagnoses: 4
                      queued: 100
                      per_user_per_minute: %d
                      per_channel_per_minute: 30
                    access:
                      rules:
                        - users: ["*"]
                          may: [diagnose]
                          local: true
                    audit:
                      file: %s
                    """.formatted(PER_USER, dir.resolve("audit.jsonl")), env::get);
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try (SageBot bot = SlackApp.bot(config, SlackApp.service(config, "load.yaml"));
                 SlackHttp http = SlackApp.http(bot, new InetSocketAddress("127.0.0.1", 0))) {
                long before = retainedHeap();
                sampler.start();
                // person i % 16 in channel i % 4 about JVM i % 3: people 0-3 ask 7 times, one more than they may
                List<String> threads = new ArrayList<>();
                List<String> users = new ArrayList<>();
                List<CompletableFuture<Long>> acks = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < MENTIONS; i++) {
                    String ts = String.format(Locale.ROOT, "1700000100.%06d", i);
                    String user = String.format(Locale.ROOT, "U%02d", i % PEOPLE);
                    threads.add(ts);
                    users.add(user);
                    String body = json.writeValueAsString(Map.of("type", "event_callback", "team_id", "T1",
                            "api_app_id", "A1", "event_id", "EvLoad" + i, "event_time", 1700000100,
                            "event", Map.of("type", "app_mention", "user", user, "text", "<@USAGE> diagnose local:"
                                    + pids[i % 3], "ts", ts, "channel", "C" + (i % 4), "event_ts", ts)));
                    long now = System.currentTimeMillis() / 1000;
                    long sent = System.nanoTime();
                    acks.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                                    + "/slack/events")).header("Content-Type", "application/json")
                                    .header("X-Slack-Request-Timestamp", Long.toString(now))
                                    .header("X-Slack-Signature", FakeSlack.sign(SECRET, now, body))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                                assertThat(r.statusCode()).isEqualTo(200);
                                return System.nanoTime() - sent;
                            }));
                }
                List<Long> ackNanos = new ArrayList<>();
                for (CompletableFuture<Long> f : acks) {
                    ackNanos.add(f.get());
                }

                // every thread ends with a reply in it: a diagnosis, or a "wait" shown to the person who asked
                Map<String, FakeSlack.Call> answered = new HashMap<>();
                Map<String, FakeSlack.Call> first = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (answered.size() < MENTIONS && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    Map<String, String> replyTs = new HashMap<>();
                    for (FakeSlack.Call call : slack.calls("chat.postMessage")) {
                        replyTs.put(call.ts(), call.get("thread_ts"));
                        first.putIfAbsent(call.get("thread_ts"), call);
                    }
                    for (FakeSlack.Call call : slack.calls("chat.postEphemeral")) {
                        first.putIfAbsent(call.get("thread_ts"), call);
                        answered.putIfAbsent(call.get("thread_ts"), call);
                    }
                    for (FakeSlack.Call call : slack.calls("chat.update")) {
                        String thread = replyTs.get(call.ts());
                        if (thread != null && call.get("blocks").contains("sage_rerun")) {
                            answered.putIfAbsent(thread, call);
                        }
                    }
                }
                long wall = System.nanoTime() - t0;
                sampler.interrupt();
                assertThat(answered.keySet()).as("every mention answered").containsExactlyInAnyOrderElementsOf(threads);

                // exactly once: one reply message per diagnosed thread, one "wait" per refused one, never both; a
                // collection of a JVM that an earlier collection in the burst already saw adds its "Last seen" line
                Map<String, Integer> replies = new HashMap<>();
                slack.calls("chat.postMessage").stream().filter(call -> !call.get("blocks").contains("Last seen"))
                        .forEach(call -> replies.merge(call.get("thread_ts"), 1, Integer::sum));
                Map<String, Integer> waits = new HashMap<>();
                slack.calls("chat.postEphemeral").forEach(call -> waits.merge(call.get("thread_ts"), 1, Integer::sum));
                for (String t : threads) {
                    int posted = replies.getOrDefault(t, 0);
                    int waited = waits.getOrDefault(t, 0);
                    assertThat(posted + waited).as("answers in thread " + t + ": " + slack.calls("chat.postMessage").stream()
                            .filter(m -> t.equals(m.get("thread_ts"))).map(m -> m.get("text")).toList()
                            + slack.calls("chat.postEphemeral").stream().filter(m -> t.equals(m.get("thread_ts")))
                            .map(m -> m.get("text")).toList()).isEqualTo(1);
                }
                List<String> limited = new ArrayList<>(waits.keySet());
                assertThat(limited).as("the 7th mention of each of people 0-3 is over their limit of " + PER_USER)
                        .hasSize(4);
                for (FakeSlack.Call w : slack.calls("chat.postEphemeral")) {
                    assertThat(w.get("blocks")).contains("You have asked Sage " + PER_USER + " times in the last minute");
                    assertThat(users.get(threads.indexOf(w.get("thread_ts")))).isEqualTo(w.get("user"));
                }

                // duplicates joined: far fewer collections than diagnosed mentions
                // a request's outcome is written once its answer and attachments are posted
                List<Map<String, Object>> audit = new ArrayList<>();
                for (long until = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < until; ) {
                    audit.clear();
                    for (String line : Files.readAllLines(dir.resolve("audit.jsonl"))) {
                        audit.add(json.readValue(line, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
                    }
                    if (audit.stream().filter(e -> e.get("event").equals("request_done")).count() >= MENTIONS - limited.size()) {
                        break;
                    }
                    Thread.sleep(100);
                }
                // a round's thread dump: Sage's own attach on this machine (one command each), else a jcmd batch
                long collections = audit.stream().filter(e -> e.get("event").equals("command")
                        && (String.valueOf(e.get("argv")).endsWith(", jcmd, Thread.print]")
                            || String.valueOf(e.get("stdin")).contains("Thread.print"))).count();
                long joined = audit.stream().filter(e -> e.get("event").equals("request_done")
                        && String.valueOf(e.get("outcome")).endsWith("(joined)")).count();
                long done = audit.stream().filter(e -> e.get("event").equals("request_done")).count();
                assertThat(done).as("one outcome on record per diagnosed mention").isEqualTo(MENTIONS - limited.size());
                assertThat(joined).as("mentions that joined a diagnosis under way").isPositive();
                assertThat(collections + joined).as("every answer came from a collection of its own or one it joined")
                        .isEqualTo(done);
                assertThat(get(client, http.port(), "/metrics")).contains("sage_requests_total{action=\"diagnose\",outcome=\"joined\"} "
                        + joined);

                slack.forget();
                long after = retainedHeap();
                List<Long> ack = sorted(ackNanos);
                List<Long> toReply = sorted(threads.stream().map(t -> first.get(t).at() - t0).toList());
                List<Long> toAnswer = sorted(threads.stream().map(t -> answered.get(t).at() - t0).toList());
                String figures = String.format(Locale.ROOT, """
                        # Load test: %d mentions at once (%d people, 4 channels, 3 JVMs on this machine, one-round plan)

                        | figure | value |
                        |---|---|
                        | answered | %d diagnoses (%d collections, %d joined) and %d told to wait, in %.1f s: %.1f answers/s |
                        | HTTP acknowledgement p50 / p95 | %d / %d ms |
                        | first reply in the thread p50 / p95 | %d / %d ms |
                        | the answer p50 / p95 | %d / %d ms |
                        | the bot's heap after a full GC, before / after | %.1f / %.1f MiB |
                        | peak heap in use during the run (garbage included) | %.1f MiB |
                        """, MENTIONS, PEOPLE, done, collections, joined, limited.size(), wall / 1e9,
                        MENTIONS / (wall / 1e9), ms(p(ack, 50)), ms(p(ack, 95)), ms(p(toReply, 50)), ms(p(toReply, 95)),
                        ms(p(toAnswer, 50)), ms(p(toAnswer, 95)), before / 1048576.0, after / 1048576.0,
                        peak.get() / 1048576.0);
                Files.writeString(Path.of("target/load-test.md"), figures);
                System.out.println(figures);
                assertThat(p(ack, 95)).as("Slack wants the ack within 3 s").isLessThan(Duration.ofSeconds(3).toNanos());
                assertThat(after - before).as("what the bot keeps after a hundred diagnoses: reports held for Show raw"
                        + " and no more").isLessThan(64L << 20);
            } finally {
                sampler.interrupt();
            }
        }
    }

    private static String get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long retainedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static List<Long> sorted(List<Long> values) {
        List<Long> out = new ArrayList<>(values);
        Collections.sort(out);
        return out;
    }

    private static long p(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
