package dev.sage.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slack's own faults, against the local Web API: rate limits, server errors, and files people share. */
class SlackWebTest {
    private FakeSlack slack;
    private SlackWeb web;

    @BeforeEach
    void start() throws IOException {
        slack = new FakeSlack();
        SlackConfig config = new SlackConfig();
        config.setMethodsEndpointUrlPrefix(slack.apiUrl());
        web = new SlackWeb(Slack.getInstance(config).methods(FakeSlack.BOT_TOKEN), FakeSlack.BOT_TOKEN, new OkHttpClient(),
                Duration.ofMillis(50), Set.of("localhost", "127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        slack.close();
    }

    @Test
    void a429IsRetriedAfterItsRetryAfter() {
        slack.fail("chat.postMessage", 429, 1);
        long t0 = System.nanoTime();
        assertThat(web.post("C1", "1.1", BlockKit.text("hello"))).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("Retry-After: 1").isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(slack.calls("chat.postMessage")).hasSize(2);
    }

    @Test
    void serverErrorsAreRetriedWithBackoffAndThenGivenUpOnWithoutThrowing() {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        web.observe(new SlackWeb.Observer() {
            @Override
            public void retried(String method, String why) {
                seen.add("retried " + method + " " + why);
            }

            @Override
            public void failed(String method, String error) {
                seen.add("failed " + method + " " + error);
            }
        });
        slack.fail("chat.update", 500, 2);
        assertThat(web.update("C1", "1.1", "2.2", BlockKit.text("x"))).isTrue();
        assertThat(slack.calls("chat.update")).hasSize(3);

        slack.fail("chat.postMessage", 503, SlackWeb.ATTEMPTS);
        assertThat(web.post("C1", "1.1", BlockKit.text("lost"))).isEmpty();
        assertThat(slack.calls("chat.postMessage")).hasSize(SlackWeb.ATTEMPTS);
        assertThat(seen).as("what the bot's metrics count").containsExactly("retried chat.update http_500",
                "retried chat.update http_500", "retried chat.postMessage http_503", "retried chat.postMessage http_503",
                "retried chat.postMessage http_503", "retried chat.postMessage http_503", "failed chat.postMessage http_503");
    }

    @Test
    void filesAreUploadedIntoTheThreadInOneMessage() {
        assertThat(web.upload("C1", "1.1", "here", List.of(new SlackWeb.Upload("a.txt", "A", "aaa".getBytes(StandardCharsets.UTF_8)),
                new SlackWeb.Upload("b.png", "B", new byte[] {1, 2, 3})))).isTrue();
        assertThat(slack.calls("files.getUploadURLExternal")).hasSize(2);
        FakeSlack.Call complete = slack.calls("files.completeUploadExternal").get(0);
        assertThat(complete.get("thread_ts")).isEqualTo("1.1");
        assertThat(complete.get("channel_id")).isEqualTo("C1");
        assertThat(slack.uploads()).extracting(FakeSlack.Upload::filename).containsExactlyInAnyOrder("a.txt", "b.png");
    }

    @Test
    void aSharedFileIsDownloadedWithTheTokenAndCapped() throws IOException {
        String url = slack.share("dump.txt", "x".repeat(1000).getBytes(StandardCharsets.UTF_8));
        assertThat(web.download(url, 4096)).hasSize(1000);
        assertThatThrownBy(() -> web.download(url, 999)).hasMessageContaining("more than");
        SlackWeb anonymous = new SlackWeb(null, "xoxb-wrong", new OkHttpClient(), Duration.ofMillis(50),
                Set.of("localhost", "127.0.0.1"));
        assertThatThrownBy(() -> anonymous.download(url, 4096)).hasMessageContaining("files:read");
    }

    @Test
    void theBotTokenIsNeverSentToAHostOtherThanSlack() {
        assertThatThrownBy(() -> web.download("https://drive.example.com/file/d/1/view", 4096))
                .hasMessageContaining("not stored on Slack (drive.example.com)");
        assertThat(slack.calls()).isEmpty();
    }
}
