package dev.sage.slack;

import com.slack.api.bolt.socket_mode.SocketModeApp;
import dev.sage.config.BotConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Socket Mode against a local WebSocket server speaking Slack's envelope protocol. */
class SocketModeTest {
    @Test
    void aMentionDeliveredOverSocketModeIsAcknowledgedAndAnswered() throws Exception {
        try (FakeSlack slack = new FakeSlack()) {
            slack.socketModeSends("""
                    {"envelope_id":"env-1","type":"events_api","accepts_response_payload":false,"retry_attempt":0,
                     "payload":{"token":"t","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev9",
                      "event_time":1700000000,"event":{"type":"app_mention","user":"U1","text":"<@USAGE> help",
                      "ts":"1700000000.000900","channel":"C3","event_ts":"1700000000.000900"}}}""".replace("\n", ""));
            Map<String, String> env = Map.of("SLACK_BOT_TOKEN", FakeSlack.BOT_TOKEN, "SLACK_APP_TOKEN", "xapp-1-test",
                    "SAGE_SLACK_API_URL", slack.apiUrl());
            BotConfig config = BotConfig.parse("sage.yaml", "audit:\n  file: " + java.nio.file.Files.createTempDirectory("sage-audit").resolve("audit.jsonl") + "\n", env::get);
            try (SageBot bot = SlackApp.bot(config, SlackApp.service(config, "sage.yaml"))) {
                SocketModeApp socket = SlackApp.socketMode(bot, config.slack().appToken());
                try {
                    FakeSlack.Call help = slack.await("chat.postMessage", c -> c.get("channel").equals("C3"),
                            Duration.ofSeconds(15));
                    assertThat(help.get("thread_ts")).isEqualTo("1700000000.000900");
                    assertThat(help.get("blocks")).contains("What Sage can do");
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (slack.socketReceived().isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(slack.socketReceived()).anySatisfy(ack -> assertThat(ack).contains("\"envelope_id\":\"env-1\""));
                } finally {
                    socket.close();
                }
            }
        }
    }
}
