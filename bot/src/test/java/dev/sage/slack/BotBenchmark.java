package dev.sage.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sage.config.BotConfig;
import dev.sage.scenarios.ScenarioJvm;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a person waits for, and what the bot costs, measured by hand (not a test):
 * <pre>
 * mvn -q -B -pl bot test-compile
 * java -cp "bot/target/test-classes:bot/target/classes:$(cat bot/target/test-classpath.txt)" dev.sage.slack.BotBenchmark
 * </pre>
 * The bot serves signed mentions over HTTP on loopback and replies to the local Slack fake; each mention diagnoses a
 * real JVM on this machine with the default plan's two rounds (the interval given, 10 s by default). Prints, per
 * mention, the time to the HTTP acknowledgement, to the "collecting" reply, to the first judgement (round 1 judged)
 * and to the completed reply, beside the collection's own time; then the bot's heap (after a full GC) while idle and
 * after {@code N} more diagnoses (sent at once, four running at a time).
 */
public final class BotBenchmark {
    private BotBenchmark() {}

    public static void main(String[] args) throws Exception {
        int mentions = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String interval = args.length > 1 ? args[1] : "10s";
        int more = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newHttpClient();
        try (FakeSlack slack = new FakeSlack(); ScenarioJvm jvm = ScenarioJvm.start("deadlock-monitors")) {
            Map<String, String> env = Map.of("SLACK_BOT_TOKEN", FakeSlack.BOT_TOKEN, "SLACK_SIGNING_SECRET", "s",
                    "SAGE_SLACK_API_URL", slack.apiUrl());
            BotConfig config = BotConfig.parse("bench.yaml", "local: true\naccess:\n  rules:\n    - users: [\"*\"]\n      may: [diagnose]\n      local: true\n"
                    + "audit:\n  file: " + java.nio.file.Files.createTempDirectory("sage-bench").resolve("audit.jsonl") + "\ncollection:\n  rounds: 2\n  interval: " + interval
                    + "\nlimits:\n  concurrent_diagnoses: 4\n  queued: 100\n", env::get);
            try (SageBot bot = SlackApp.bot(config, SlackApp.service(config, "bench.yaml"));
                 SlackHttp http = SlackApp.http(bot, new InetSocketAddress("127.0.0.1", 0))) {
                System.out.printf(Locale.ROOT, "%-8s %10s %10s %16s %12s %22s%n", "mention", "ack ms", "reply ms",
                        "1st judgement ms", "done ms", "collection (jcmd) ms");
                for (int i = 0; i < mentions; i++) {
                    String ts = "1700000000." + String.format(Locale.ROOT, "%06d", i);
                    long t0 = System.nanoTime();
                    send(client, http.port(), json, "<@USAGE> diagnose local:" + jvm.pid(), ts, "Ev" + i);
                    long ack = System.nanoTime();
                    FakeSlack.Call reply = slack.await("chat.postMessage", c -> c.get("thread_ts").equals(ts), Duration.ofSeconds(10));
                    FakeSlack.Call first = slack.await("chat.update", c -> c.ts().equals(reply.ts())
                            && c.get("blocks").contains("round 1 of 2 is in"), Duration.ofSeconds(120));
                    FakeSlack.Call done = slack.await("chat.update", c -> c.ts().equals(reply.ts())
                            && c.get("blocks").contains("sage_rerun"), Duration.ofSeconds(120));
                    // the collection's own time, as the report states it: every jcmd round and the survey
                    String text = awaitReport(bot, reply.ts());
                    long jcmd = 0;
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "(?m)^\\s+(?:find the JVM|round \\d+ jcmd)\\s+(\\d+) ms$").matcher(text);
                    while (m.find()) {
                        jcmd += Long.parseLong(m.group(1));
                    }
                    System.out.printf(Locale.ROOT, "%-8d %10d %10d %16d %12d %22d%n", i + 1, ms(ack - t0), ms(reply.at() - t0),
                            ms(first.at() - t0), ms(done.at() - t0), jcmd);
                }
                Thread.sleep(2000);
                slack.forget();
                System.out.printf(Locale.ROOT, "heap after %d diagnoses, idle: %.1f MiB%n", mentions, heap());
                List<String> pending = new ArrayList<>();
                for (int i = 0; i < more; i++) {
                    String ts = "1700000001." + String.format(Locale.ROOT, "%06d", i);
                    send(client, http.port(), json, "<@USAGE> diagnose local:" + jvm.pid(), ts, "Em" + i);
                    pending.add(ts);
                }
                for (String ts : pending) {
                    FakeSlack.Call reply = slack.await("chat.postMessage", c -> c.get("thread_ts").equals(ts), Duration.ofSeconds(30));
                    slack.await("chat.update", c -> c.ts().equals(reply.ts()) && c.get("blocks").contains("sage_rerun"),
                            Duration.ofSeconds(600));
                }
                Thread.sleep(2000);
                slack.forget();
                System.out.printf(Locale.ROOT, "heap after %d more diagnoses: %.1f MiB (the bot, the Slack fake with its"
                        + " record emptied, and this harness)%n", more, heap());
            }
        }
    }

    private static String awaitReport(SageBot bot, String ts) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            String text = bot.report(ts);
            if (text != null) {
                return text;
            }
            Thread.sleep(50);
        }
        return "";
    }

    private static void send(HttpClient client, int port, ObjectMapper json, String text, String ts, String id) throws Exception {
        String body = json.writeValueAsString(Map.of("type", "event_callback", "team_id", "T1", "api_app_id", "A1",
                "event_id", id, "event_time", 1700000000, "event", Map.of("type", "app_mention", "user", "U1", "text", text,
                        "ts", ts, "channel", "C1", "event_ts", ts)));
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .header("Content-Type", "application/json").header("X-Slack-Request-Timestamp", Long.toString(now))
                .header("X-Slack-Signature", FakeSlack.sign("s", now, body)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode());
        }
    }

    private static double heap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
