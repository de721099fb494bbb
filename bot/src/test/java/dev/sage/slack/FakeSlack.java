package dev.sage.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A local Slack for tests, speaking the other side's protocols: the Web API methods Sage calls (form-encoded, as the
 * SDK sends them), the upload URLs that {@code files.uploadV2} posts to, files shared by people (served only with the
 * bot token), and Socket Mode's WebSocket with its envelopes. It records every call, and answers 429 or 500 on
 * demand. Thread-safe.
 */
final class FakeSlack implements AutoCloseable {
    static final String BOT_TOKEN = "xoxb-test-token";

    /**
     * One Web API call: its method and form fields, when it arrived ({@link System#nanoTime()}), and the ts of the
     * message it posted or updated (empty for other methods).
     */
    record Call(String method, Map<String, String> form, long at, String ts) {
        String get(String field) {
            return form.getOrDefault(field, "");
        }

        JsonNode blocks() {
            try {
                return new ObjectMapper().readTree(form.getOrDefault("blocks", "[]"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A file uploaded through {@code files.uploadV2}. */
    record Upload(String id, String filename, byte[] data) {}

    private final MockWebServer server = new MockWebServer();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Integer>> faults = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Map<String, byte[]> shared = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private final Map<String, String> threads = new ConcurrentHashMap<>();
    private final List<String> envelopes = new CopyOnWriteArrayList<>();
    private final List<String> socketReceived = new CopyOnWriteArrayList<>();
    private volatile WebSocket socket;

    FakeSlack() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                return answer(r);
            }
        });
        server.start();
    }

    /** The Web API's base URL, for {@code slack.api_url}. */
    String apiUrl() {
        return server.url("/api/").toString();
    }

    private final Map<String, List<String>> groups = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code usergroups.users.list} answers these members for {@code group}. */
    void group(String group, List<String> members) {
        groups.put(group, List.copyOf(members));
    }

    private static String toJson(List<String> users) {
        return "[" + String.join(",", users.stream().map(u -> "\"" + u + "\"").toList()) + "]";
    }

    /** The next {@code times} calls of {@code method} answer HTTP {@code status} (429 with {@code Retry-After: 1}). */
    void fail(String method, int status, int times) {
        Deque<Integer> q = faults.computeIfAbsent(method, m -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.add(status);
            }
        }
    }

    /** A file a person shared: its private download URL. */
    String share(String name, byte[] content) {
        shared.put(name, content);
        return server.url("/files-pri/T1-F1/" + name).toString();
    }

    /** {@code conversations.replies} of thread {@code ts} answers these messages (JSON objects), oldest first. */
    void thread(String ts, String... messages) {
        threads.put(ts, "{\"ok\":true,\"messages\":[" + String.join(",", messages) + "],\"has_more\":false}");
    }

    /** Socket Mode: envelopes sent after {@code hello} to whoever connects. */
    void socketModeSends(String envelope) {
        envelopes.add(envelope);
    }

    /** What the bot sent over the Socket Mode WebSocket (its acks). */
    List<String> socketReceived() {
        return List.copyOf(socketReceived);
    }

    /** Forgets every call and upload so far (so that a measure of the heap counts the bot, not this record). */
    void forget() {
        calls.clear();
        uploads.clear();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    List<Upload> uploads() {
        return List.copyOf(uploads.values());
    }

    /** Waits for a call of {@code method} that satisfies {@code test}. */
    Call await(String method, Predicate<Call> test, Duration timeout) throws InterruptedException {
        return await(c -> c.method().equals(method) && test.test(c), timeout, method);
    }

    /** Waits for a call of any method that satisfies {@code test}. */
    Call await(Predicate<Call> test, Duration timeout) throws InterruptedException {
        return await(test, timeout, "call");
    }

    private Call await(Predicate<Call> test, Duration timeout, String method) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Call c : calls()) {
                if (test.test(c)) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + method + " matching within " + timeout + "; calls: " + calls);
    }

    private MockResponse answer(RecordedRequest r) {
        String path = r.getUrl().encodedPath();
        if (path.startsWith("/link")) {
            return new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    socket = ws;
                    ws.send("{\"type\":\"hello\",\"num_connections\":1,\"connection_info\":{\"app_id\":\"A1\"}}");
                    envelopes.forEach(ws::send);
                }

                @Override
                public void onMessage(WebSocket ws, String text) {
                    socketReceived.add(text);
                }
            }).build();
        }
        if (path.startsWith("/files-pri/")) {
            String auth = r.getHeaders().get("Authorization");
            byte[] file = shared.get(path.substring(path.lastIndexOf('/') + 1));
            if (!("Bearer " + BOT_TOKEN).equals(auth)) {
                return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                        .body("<html>sign in</html>").build();
            }
            return file == null ? new MockResponse.Builder().code(404).build()
                    : new MockResponse.Builder().code(200).setHeader("Content-Type", "application/octet-stream")
                    .body(new okio.Buffer().write(file)).build();
        }
        if (path.startsWith("/upload/")) {
            String id = path.substring("/upload/".length());
            Upload pending = uploads.get(id);
            uploads.put(id, new Upload(id, pending == null ? "?" : pending.filename(), r.getBody() == null ? new byte[0]
                    : r.getBody().toByteArray()));
            return new MockResponse.Builder().code(200).body("OK - " + r.getBodySize()).build();
        }
        String method = path.startsWith("/api/") ? path.substring("/api/".length()) : path;
        Map<String, String> form = form(r);
        String ts = method.equals("chat.postMessage") ? ids.incrementAndGet() + ".000100"
                : method.equals("chat.update") ? form.getOrDefault("ts", "") : "";
        calls.add(new Call(method, form, System.nanoTime(), ts));
        Deque<Integer> q = faults.get(method);
        Integer fault = null;
        if (q != null) {
            synchronized (q) {
                fault = q.poll();
            }
        }
        if (fault != null) {
            MockResponse.Builder b = new MockResponse.Builder().code(fault).body("{\"ok\":false,\"error\":\"fault\"}");
            if (fault == 429) {
                b.setHeader("Retry-After", "1");
            }
            return b.build();
        }
        return json(switch (method) {
            case "auth.test" -> "{\"ok\":true,\"url\":\"https://test.slack.com/\",\"team\":\"test\",\"user\":\"sage\","
                    + "\"team_id\":\"T1\",\"user_id\":\"USAGE\",\"bot_id\":\"B1\"}";
            case "chat.postMessage" -> "{\"ok\":true,\"channel\":\"" + form.get("channel") + "\",\"ts\":\"" + ts + "\"}";
            case "chat.update" -> "{\"ok\":true,\"channel\":\"" + form.get("channel") + "\",\"ts\":\"" + form.get("ts") + "\"}";
            case "files.getUploadURLExternal" -> {
                String id = "F" + ids.incrementAndGet();
                uploads.put(id, new Upload(id, form.get("filename"), new byte[0]));
                yield "{\"ok\":true,\"upload_url\":\"" + server.url("/upload/" + id) + "\",\"file_id\":\"" + id + "\"}";
            }
            case "files.completeUploadExternal" -> "{\"ok\":true,\"files\":[]}";
            case "chat.postEphemeral" -> "{\"ok\":true,\"message_ts\":\"" + ids.incrementAndGet() + ".000200\"}";
            case "usergroups.users.list" -> groups.containsKey(form.get("usergroup"))
                    ? "{\"ok\":true,\"users\":" + toJson(groups.get(form.get("usergroup"))) + "}"
                    : "{\"ok\":false,\"error\":\"no_such_subteam\"}";
            case "conversations.replies" -> threads.getOrDefault(form.get("ts"), "{\"ok\":false,\"error\":\"thread_not_found\"}");
            case "apps.connections.open" -> "{\"ok\":true,\"url\":\"ws://" + server.getHostName() + ":" + server.getPort()
                    + "/link/?ticket=t\"}";
            default -> "{\"ok\":false,\"error\":\"unknown_method\"}";
        });
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json; charset=utf-8").body(body)
                .build();
    }

    private static Map<String, String> form(RecordedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        String type = r.getHeaders().get("Content-Type");
        if (r.getBody() == null || type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            return out;
        }
        for (String pair : r.getBody().utf8().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        WebSocket ws = socket;
        if (ws != null) {
            ws.close(1000, "bye");
        }
        server.close();
    }

    /** Signs a request body as Slack does: {@code v0=} hex HMAC-SHA256 of {@code v0:TS:BODY}. */
    static String sign(String secret, long timestamp, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("v0=");
            for (byte b : h) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
