package dev.sage.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.files.FilesUploadV2Request;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sage's calls to the Slack Web API, with Slack's own faults handled: a 429 is retried after its {@code Retry-After},
 * a 5xx or a network error is retried with backoff a bounded number of times, and a reply that still cannot be posted
 * is logged with the channel and thread it was for, never lost silently. Blocks Slack refuses are sent again as plain
 * text. Thread-safe: the underlying clients are.
 */
public final class SlackWeb {
    private static final Logger LOG = LoggerFactory.getLogger(SlackWeb.class);

    /** How many times one call is tried in all. */
    static final int ATTEMPTS = 5;
    /** The longest Sage waits on one {@code Retry-After}. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

    /** A file to attach to a thread. */
    public record Upload(String filename, String title, byte[] data) {}

    /** Told of calls tried again and calls given up, for the bot's metrics. Called on the calling thread; must be quick. */
    public interface Observer {
        Observer NONE = new Observer() {};

        /** {@code why}: {@code ratelimited}, {@code http_NNN}, {@code io}. */
        default void retried(String method, String why) {}

        /** {@code error}: Slack's error code, {@code http_NNN}, {@code io}, {@code upload}. */
        default void failed(String method, String error) {}
    }

    private final MethodsClient methods;
    private final String token;
    private final OkHttpClient http;
    private final Duration firstBackoff;
    private final java.util.Set<String> fileHosts;
    private volatile Observer observer = Observer.NONE;

    /**
     * @param methods the Web API client, with the bot token
     * @param token the bot token, for downloading files people share
     * @param firstBackoff the first wait after a 5xx or a network error; each next wait doubles
     * @param fileHosts the only hosts the bot token is ever sent to for a download: {@code files.slack.com}, and the
     *     Web API's own host when it is a proxy
     */
    public SlackWeb(MethodsClient methods, String token, OkHttpClient http, Duration firstBackoff,
                    java.util.Set<String> fileHosts) {
        this.methods = methods;
        this.token = token;
        this.http = http;
        this.firstBackoff = firstBackoff;
        this.fileHosts = java.util.Set.copyOf(fileHosts);
    }

    /** Tells {@code observer} of every retry and failure from now on. */
    public void observe(Observer observer) {
        this.observer = observer;
    }

    /** Posts in {@code thread} (or at the channel's top level when null); the new message's ts, or empty when it failed. */
    public Optional<String> post(String channel, String thread, BlockKit.Message m) {
        var r = call("chat.postMessage", channel, thread, () -> methods.chatPostMessage(b -> b.channel(channel)
                .threadTs(thread).text(m.text()).blocksAsString(m.blocksJson()).unfurlLinks(false).unfurlMedia(false)));
        if (r.blocksRefused()) {
            BlockKit.Message plain = asText(m);
            r = call("chat.postMessage (as text)", channel, thread, () -> methods.chatPostMessage(b -> b.channel(channel)
                    .threadTs(thread).text(plain.text()).blocksAsString(plain.blocksJson()).unfurlLinks(false)
                    .unfurlMedia(false)));
        }
        return r.response().map(x -> x.getTs());
    }

    /** Shows {@code m} to {@code user} only, in the thread; false when it failed (logged). */
    public boolean postEphemeral(String channel, String thread, String user, BlockKit.Message m) {
        var r = call("chat.postEphemeral", channel, thread, () -> methods.chatPostEphemeral(b -> b.channel(channel)
                .user(user).threadTs(thread).text(m.text()).blocksAsString(m.blocksJson())));
        return r.response().isPresent();
    }

    /** Replaces message {@code ts}; false when it failed (logged). */
    public boolean update(String channel, String thread, String ts, BlockKit.Message m) {
        return update(channel, thread, ts, m, ATTEMPTS);
    }

    /**
     * Shows progress in message {@code ts}, trying once: a later update shows a later state anyway, and the thread that
     * collects from the target must not wait out Slack's rate limits.
     */
    public boolean progress(String channel, String thread, String ts, BlockKit.Message m) {
        return update(channel, thread, ts, m, 1);
    }

    private boolean update(String channel, String thread, String ts, BlockKit.Message m, int attempts) {
        var r = call("chat.update", channel, thread, attempts, () -> methods.chatUpdate(b -> b.channel(channel).ts(ts)
                .text(m.text()).blocksAsString(m.blocksJson())));
        if (r.blocksRefused()) {
            // without blocks, chat.update would keep the old ones: replace them with the text
            BlockKit.Message plain = asText(m);
            r = call("chat.update (as text)", channel, thread, () -> methods.chatUpdate(b -> b.channel(channel).ts(ts)
                    .text(plain.text()).blocksAsString(plain.blocksJson())));
        }
        return r.response().isPresent();
    }

    /**
     * The files people shared in a thread (not Sage's own uploads), newest first, or empty when the thread cannot be
     * read (logged: the app may lack channels:history, groups:history or im:history for that conversation).
     */
    public List<com.slack.api.model.File> filesInThread(String channel, String thread, String sageUserId) {
        return filesInThread(channel, thread, m -> m.getBotId() == null && m.getUser() != null
                && !m.getUser().equals(sageUserId));
    }

    /** The files Sage itself attached in a thread, newest message first; empty when the thread cannot be read. */
    public List<com.slack.api.model.File> sageFilesInThread(String channel, String thread, String sageUserId) {
        return filesInThread(channel, thread, m -> sageUserId != null && sageUserId.equals(m.getUser()));
    }

    private List<com.slack.api.model.File> filesInThread(String channel, String thread,
                                                         java.util.function.Predicate<com.slack.api.model.Message> whose) {
        var r = call("conversations.replies", channel, thread, () -> methods.conversationsReplies(b -> b.channel(channel)
                .ts(thread).limit(200)));
        if (r.response().isEmpty() || r.response().get().getMessages() == null) {
            return List.of();
        }
        List<com.slack.api.model.File> files = new java.util.ArrayList<>();
        for (com.slack.api.model.Message m : r.response().get().getMessages()) {
            if (m.getFiles() != null && whose.test(m)) {
                files.addAll(0, m.getFiles()); // messages come oldest first
            }
        }
        return files;
    }

    /**
     * The members of a Slack user group, or empty when they cannot be read (logged: the app may lack usergroups:read).
     */
    public Optional<java.util.Set<String>> userGroupMembers(String group) {
        var r = call("usergroups.users.list", "", "", () -> methods.usergroupsUsersList(b -> b.usergroup(group)));
        return r.response().map(x -> java.util.Set.copyOf(x.getUsers() == null ? List.of() : x.getUsers()));
    }

    /** A message Slack refused, as its notification text in one section. */
    private static BlockKit.Message asText(BlockKit.Message m) {
        return BlockKit.text(m.text() + "\n_(Slack refused this reply's layout; the full report is attached when there is"
                + " one)_");
    }

    /** Attaches files to the thread in one message; false when it failed (logged). */
    public boolean upload(String channel, String thread, String comment, List<Upload> files) {
        if (files.isEmpty()) {
            return true;
        }
        List<FilesUploadV2Request.UploadFile> uploads = files.stream().map(f -> FilesUploadV2Request.UploadFile.builder()
                .filename(f.filename()).title(f.title()).fileData(f.data()).build()).toList();
        return call("files.uploadV2", channel, thread, () -> methods.filesUploadV2(b -> b.channel(channel).threadTs(thread)
                .initialComment(comment).uploadFiles(uploads).requestFileInfo(false))).response().isPresent();
    }

    /**
     * A file a person shared, at most {@code cap} bytes, fetched with the bot token.
     *
     * @throws IOException with a message for the person: too large, not reachable, not the file
     */
    public byte[] download(String url, long cap) throws IOException {
        okhttp3.HttpUrl parsed = okhttp3.HttpUrl.parse(url);
        if (parsed == null || !fileHosts.contains(parsed.host())) {
            throw new IOException("the file is not stored on Slack (" + (parsed == null ? "no URL" : parsed.host())
                    + "); Sage downloads only files uploaded to Slack");
        }
        Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + token).build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IOException("Slack answered HTTP " + response.code() + " for the file");
            }
            ResponseBody body = response.body();
            String type = response.header("Content-Type", "");
            if (type.startsWith("text/html")) {
                throw new IOException("Slack answered with a web page instead of the file: does the app have the"
                        + " files:read scope?");
            }
            if (body.contentLength() > cap) {
                throw new IOException("the file is " + (body.contentLength() >> 20) + " MiB, more than the "
                        + (cap >> 20) + " MiB Sage reads");
            }
            try (InputStream in = body.byteStream()) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
                if (bytes.length > cap) {
                    throw new IOException("the file is more than the " + (cap >> 20) + " MiB Sage reads");
                }
                return bytes;
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException, SlackApiException, com.slack.api.methods.SlackFilesUploadV2Exception;
    }

    /** A call's answer, or empty; {@code blocksRefused} when Slack refused the blocks (worth sending as text). */
    private record Answer<T>(Optional<T> response, boolean blocksRefused) {}

    private <T extends SlackApiTextResponse> Answer<T> call(String method, String channel, String thread, Call<T> call) {
        return call(method, channel, thread, ATTEMPTS, call);
    }

    private <T extends SlackApiTextResponse> Answer<T> call(String method, String channel, String thread, int attempts,
                                                            Call<T> call) {
        Duration backoff = firstBackoff;
        String last = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration wait;
            try {
                T response = call.run();
                if (response.isOk()) {
                    return new Answer<>(Optional.of(response), false);
                }
                String error = response.getError();
                if ("ratelimited".equals(error)) {
                    wait = Duration.ofSeconds(1);
                    last = "ratelimited";
                } else {
                    LOG.error("{} to channel {} thread {} refused by Slack: {}", method, channel, thread, error);
                    observer.failed(name(method), error == null ? "unknown" : error);
                    return new Answer<>(Optional.empty(),
                            List.of("invalid_blocks", "invalid_blocks_format", "msg_too_long").contains(error));
                }
            } catch (SlackApiException e) {
                int code = e.getResponse().code();
                last = "HTTP " + code;
                if (code == 429) {
                    wait = retryAfter(e.getResponse().header("Retry-After"));
                } else if (code >= 500) {
                    wait = backoff;
                    backoff = backoff.multipliedBy(2);
                } else {
                    LOG.error("{} to channel {} thread {} failed: HTTP {} {}", method, channel, thread, code,
                            e.getResponseBody());
                    observer.failed(name(method), "http_" + code);
                    return new Answer<>(Optional.empty(), false);
                }
            } catch (IOException e) {
                last = e.toString();
                wait = backoff;
                backoff = backoff.multipliedBy(2);
            } catch (com.slack.api.methods.SlackFilesUploadV2Exception e) {
                LOG.error("{} to channel {} thread {} failed: {}", method, channel, thread, e.getMessage());
                observer.failed(name(method), "upload");
                return new Answer<>(Optional.empty(), false);
            }
            if (attempt < attempts) {
                observer.retried(name(method), last.startsWith("HTTP ") ? "http_" + last.substring(5)
                        : last.equals("ratelimited") ? last : "io");
                LOG.warn("{} to channel {} thread {}: {}; trying again in {} ms", method, channel, thread, last, wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (attempts == 1) {
            LOG.info("{} to channel {} thread {} skipped ({}): a later update will show where it stands", method, channel,
                    thread, last);
        } else {
            observer.failed(name(method), last.startsWith("HTTP ") ? "http_" + last.substring(5)
                    : last.equals("ratelimited") ? last : last.isEmpty() ? "interrupted" : "io");
            LOG.error("{} to channel {} thread {} failed after {} attempts ({}); the reply is lost", method, channel,
                    thread, attempts, last);
        }
        return new Answer<>(Optional.empty(), false);
    }

    /** The Web API method alone: {@code chat.postMessage (as text)} is {@code chat.postMessage}. */
    private static String name(String method) {
        int space = method.indexOf(' ');
        return space < 0 ? method : method.substring(0, space);
    }

    private static Duration retryAfter(String header) {
        try {
            long s = Long.parseLong(header == null ? "1" : header.strip());
            return Duration.ofSeconds(Math.max(1, Math.min(s, MAX_RETRY_AFTER.toSeconds())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }
}
